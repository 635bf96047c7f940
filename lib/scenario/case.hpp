// One measurable case: a variant of a family at one point of the parameter matrix.
// Produced by scenario expansion, consumed by the runner, recorded in the report.
#pragma once

#include <optional>
#include <string>

#include "core/params.hpp"
#include "scenario/measure_settings.hpp"

namespace velo {

// Measurement settings after defaults, the scenario's [run] table and command-line
// options have been applied (in that order of precedence, last wins).
struct RunSettings {
  int repetitions = 10;
  double min_time_s = 0.1;   // per repetition
  double warmup_s = 0.02;    // before the first repetition
  double timeout_s = 60.0;   // per worker: a whole case, or one fork of it
  // Worker processes the repetitions are spread over, one after another in rounds
  // across all cases (runner/forks.hpp): process-level luck (thread placement,
  // memory layout) and bursts of interference then vary between samples instead of
  // shifting a whole case. Never more than repetitions.
  int forks = 1;
  // Pin each thread-team member to its own CPU (threads/thread_team.hpp); the CPUs
  // used are in the case's details under "pinned_cpus".
  bool pin_threads = false;
  // What is measured: time, or counts in a fixed number of ops (scenario/measure_settings.hpp).
  MeasureSettings measure;
  bool operator==(const RunSettings&) const = default;
};

struct Case {
  std::string id;        // "family/variant/k1=v1,k2=v2": stable across runs, params sorted
  std::string scenario;  // the scenario's name
  std::string family;
  std::string variant;   // the label in tables
  std::string impl;      // the registered implementation
  bool baseline = false;
  // The parameter combination shared by the variants compared side by side (the
  // scenario-level matrix point, without per-variant overrides): "increments=100,threads=2".
  // Tables are printed one per (scenario, group).
  std::string group;
  Params params;         // every parameter the implementation takes, defaults included
  RunSettings settings;
  std::optional<std::string> skip_reason;  // set: reported `skipped`, never run
};

}  // namespace velo

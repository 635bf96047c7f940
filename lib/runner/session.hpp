// A whole `velo run`: every case in order, isolated or in-process, with progress,
// Ctrl-C handling and the report that records it all.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "families/family.hpp"
#include "profiler/profiler.hpp"
#include "report/report.hpp"
#include "scenario/case.hpp"

namespace velo {

struct SessionOptions {
  bool quiet = false;
  std::string executable;  // for workers; default /proc/self/exe
  // Recorded in the report. The session follows its isolate (workers or this
  // process), profiles (scenario name -> how its cases are sampled; others are not)
  // and profile_dir (folded files, runner/profile_files.hpp). With baseline_velo,
  // every fork of every case is measured twice, back to back, by that build's
  // worker and by this one's, which goes first alternating; its results form
  // SessionResult::other_build_report. Needs isolate.
  report::RunRequest request;
  // With request.baseline_velo: that build's version and commit (build_provenance),
  // recorded as the other build report's provenance.
  report::Provenance other_build;
  // --baseline-plugin: the other side is this velo with each plugin (HEAD path) swapped
  // for its base build (BASE path) in its workers. Non-empty: the run is paired.
  std::map<std::string, std::string> other_plugin_substitutes;
  // Paired external benchmarks (app/external_baseline.hpp): the case the other side
  // measures in place of each of `cases` (same id, the base build's parameters), in
  // the same order. Non-empty: the run is paired. A base case that is skipped while
  // its head case is not leaves the head measured alone, every fork.
  std::vector<Case> other_cases;
};

struct SessionResult {
  report::Report report;
  bool interrupted = false;  // Ctrl-C: report.complete is false and holds the cases finished so far
  bool any_failed = false;   // a case failed or timed out
  // Interrupted: the cases measured in some but not all of their forks (marked
  // partial in the report), and those measured in all of them.
  std::vector<std::string> partial_cases;
  int finished_cases = 0;
  int profiled_cases = 0;    // cases whose folded file was written to profile_dir
  std::vector<std::string> profile_errors;  // folded files that could not be written
  // With request.baseline_velo: the other build's report of the same run.
  std::optional<report::Report> other_build_report;
};

// Families are looked up in `registry` (in-process and for worker environments).
SessionResult run_session(const Registry& registry, const std::vector<Case>& cases,
                          std::vector<report::ScenarioRecord> scenarios, const SessionOptions& options);

// Version and commit of velo, and the git state of the directory it runs in.
report::Provenance capture_provenance();

// The version and commit another velo build reports (`PATH --version` prints
// "velo 0.1.0 (93b2d7eb5136)"); an error if PATH is not a velo at all.
Expected<report::Provenance> build_provenance(const std::string& velo_path);

}  // namespace velo

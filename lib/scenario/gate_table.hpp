// The gate's rules as written in TOML: a gate file (--gate-file) and a scenario's
// [gate] table hold the same keys, read and validated by this one function, so
// `velo check` rejects a scenario's bad [gate] with the same message `velo gate`
// gives for a bad gate file. docs/gate.md documents the keys:
//   max_regression = "5%"    metrics = ["ns_per_op"]
//   [metric.NAME] max_regression = "0%"
//   [[case]] pattern = "regex"  metric = "NAME" (optional)  max_regression = "10%"
//   alpha = 0.05  min_change = "1%"  correction = "holm"   (gate files only)
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <toml++/toml.h>

#include "core/pattern.hpp"
#include "core/result.hpp"

namespace velo {

struct GateMetricRule {
  std::string metric;
  double max_regression = 0;  // fraction
};

struct GateCaseRule {
  Pattern pattern;            // on case ids
  std::optional<std::string> metric;
  double max_regression = 0;
  int line = 0;               // of the [[case]] table, for messages
};

struct GateTable {
  std::optional<double> max_regression;
  std::vector<std::string> metrics;            // in file order, without repeats
  std::vector<GateMetricRule> metric_rules;
  std::vector<GateCaseRule> case_rules;
  std::optional<double> alpha, min_change;     // gate files only
  std::optional<std::string> correction;       // "holm" | "bh" | "none"; gate files only
};

enum class GateSource {
  gate_file,  // every key
  scenario,   // a scenario's [gate]: thresholds only; the test's settings belong to the CI job
};

// Errors carry `file` and, from a toml++ table that was parsed from text, line and column.
Expected<GateTable> read_gate_table(const toml::table& table, const std::string& file, GateSource source);

// "5%" -> 0.05. Percent strings only: a bare 5 or 0.05 is ambiguous and rejected.
std::optional<double> parse_percent(std::string_view text);

}  // namespace velo

// The CI performance gate: which changes between two reports fail the build.
//
// A regression is a change of a gated metric in its worse direction that is
// significant after the multiple-comparison correction AND larger than the
// threshold that applies to that case and metric; an improvement is the same in the
// better direction. A case that was ok in BASE and
// failed or timed out in HEAD is a regression too. Thresholds, most specific first:
//   1. a [[case]] rule whose pattern matches the case id and that names the metric
//   2. a [[case]] rule whose pattern matches and names no metric
//   3. a [metric.NAME] rule
//   4. the global max_regression
// At each level the gate file (--gate-file) is consulted before the scenario's [gate]
// table (taken from the BASE report, so a change cannot loosen its own gate); at the
// global level --max-regression on the command line comes first. Default: 5%.
// docs/gate.md documents the file format.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/pattern.hpp"
#include "core/result.hpp"
#include "report/compare.hpp"
#include "scenario/gate_table.hpp"

namespace velo::report {

struct GateRule {
  std::string origin;                   // "gate.toml:12" or "scenario 'counters'", for messages
  std::optional<std::string> scenario;  // rules from a scenario's [gate] apply to its cases only
  std::optional<Pattern> pattern;       // on case ids (RE2, searched)
  std::optional<std::string> metric;
  double max_regression = 0.05;         // fraction
};

struct GatePolicy {
  std::optional<double> cli_max_regression;  // --max-regression
  std::optional<double> max_regression;      // from a gate file or scenario, global level
  std::vector<std::string> metrics;          // gated metrics; empty: ns_per_op
  std::vector<GateRule> rules;               // case and metric rules, gate file first
  CompareOptions compare;                    // alpha, min_change, correction, filter

  // The threshold for one case and metric, and where it came from.
  std::pair<double, std::string> threshold(const std::string& case_id, const std::string& scenario,
                                           const std::string& metric) const;
  std::vector<std::string> gated_metrics() const;
};

using velo::parse_percent;  // scenario/gate_table.hpp: "5%" -> 0.05

// Reads a gate file (TOML) into `policy`. Errors carry file, line and column.
Status load_gate_file(const std::string& path, GatePolicy& policy);
// The same keys from a scenario's [gate] table as stored in a report.
Status add_scenario_gate(const std::string& scenario, const nlohmann::json& table, GatePolicy& policy);

enum class FindingKind {
  regression,   // fails the gate
  broke,        // ok in BASE, failed or timed out in HEAD: fails the gate
  unconfirmed,  // looked like a regression, but a --confirm rerun did not agree
  improvement,
  removed,
  added,
};
std::string_view to_string(FindingKind kind);

struct GateFinding {
  FindingKind kind = FindingKind::regression;
  std::string id;
  std::string metric;        // empty for broke/removed/added
  std::string unit;
  double base_median = 0;
  double head_median = 0;
  double delta = 0;
  double threshold = 0;
  std::string threshold_origin;
  double p_adjusted = 1;
  bool exact = false;        // an exact-count comparison (report::is_exact): no p-value to speak of
  bool by_repetition = false;  // exact, repetition by repetition (Test::exact_by_repetition)
  std::string reason;        // for broke: HEAD's failure reason
};

struct GateResult {
  Comparison comparison;
  std::vector<GateFinding> findings;  // regressions and broken cases first, then improvements, then the rest
  int unchanged = 0;                  // gated (case, metric) pairs without a significant change
  int underpowered = 0;               // pairs whose sample sizes can never reach significance
  bool passed() const;
  int regressions() const;
};

// Evaluates the gate; its comparison's warnings include single_process_warning().
GateResult evaluate_gate(const Report& base, const Report& head, const GatePolicy& policy);

// The limit the gate applies to one compared metric of a case, and where it comes
// from: the policy's threshold, except for exact counts (report::is_exact), which
// get the count threshold unless a rule names the metric (docs/deterministic.md).
std::pair<double, std::string> applied_threshold(const GatePolicy& policy, const CaseComparison& cc,
                                                 const MetricComparison& mc);

// A warning when cases of either report ran every repetition in one worker process
// (forks = 1): samples that share one process's luck make the gate flag noise
// (runner/forks.hpp, docs/gate.md).
std::optional<std::string> single_process_warning(const Report& base, const Report& head);

// Case ids a --confirm rerun should measure again: the regressions and broken cases.
std::vector<std::string> suspects(const GateResult& result);

// Keeps a regression only if `rerun` finds the same case and metric regressed too;
// the others become `unconfirmed`. `rerun` is either BASE against the re-measured
// suspects (--confirm) or a whole second round of reports (--confirm-with), which
// also confirms improvements (`improvements_too`).
GateResult confirm(GateResult first, const GateResult& rerun, bool improvements_too = false);

}  // namespace velo::report

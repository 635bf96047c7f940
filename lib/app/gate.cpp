#include "app/gate.hpp"

#include <fmt/format.h>

#include <set>

#include "app/exit_code.hpp"
#include "runner/session.hpp"
#include "scenario/scenario.hpp"

namespace velo::app {

namespace {

// Re-measures the suspected cases from the scenario files, as HEAD's run request
// says they were measured (overrides, timeout, pinning, isolation), and returns the
// fresh report. Profiling and the other build are not repeated: the rerun decides a
// verdict, it does not reproduce the artefacts.
Expected<report::Report> rerun(const Registry& registry, const std::vector<std::string>& ids,
                               const std::vector<std::string>& paths, const report::Report& head, bool quiet) {
  auto scenarios = load_scenarios(paths, registry);
  if (!scenarios.ok()) return scenarios.error();
  auto cases = expand_cases(*scenarios, head.request.overrides(), registry);
  if (!cases.ok()) return cases.error();
  const std::set<std::string> wanted(ids.begin(), ids.end());
  std::vector<Case> selected;
  for (Case& c : *cases) {
    if (wanted.count(c.id)) selected.push_back(std::move(c));
  }
  if (selected.size() != wanted.size()) {
    return make_error(fmt::format("--confirm: the scenario files define {} of the {} suspected cases; pass the "
                                  "scenario files HEAD was run from", selected.size(), wanted.size()));
  }
  SessionOptions options;
  options.quiet = quiet;
  options.request = head.request;
  options.request.profiles.clear();
  options.request.profile_dir.clear();
  options.request.baseline_velo.reset();
  return run_session(registry, selected, {}, options).report;
}

}  // namespace

int exit_code_of(const report::GateResult& result) {
  return result.passed() ? exit_code::ok : exit_code::failed;
}

Expected<GateOutcome> gate(const Registry& registry, const GateRequest& request) {
  auto options = compare_options(request.compare);
  if (!options.ok()) return options.error();
  report::GatePolicy policy;
  policy.compare = *options;
  policy.metrics = request.compare.metrics;
  policy.compare.metrics.clear();  // compare everything; gate the chosen metrics
  if (!request.max_regression.empty()) {
    auto limit = report::parse_percent(request.max_regression);
    if (!limit) {
      return make_error(fmt::format("--max-regression: expected a percentage such as 5%, got '{}'",
                                    request.max_regression));
    }
    policy.cli_max_regression = *limit;
  }
  if (!request.gate_file.empty()) {
    if (auto loaded = report::load_gate_file(request.gate_file, policy); !loaded.ok()) return loaded.error();
  }
  auto reports = read_reports(request.compare);
  if (!reports.ok()) return reports.error();
  const auto& [base, head] = *reports;
  if (auto known = check_metrics_exist(policy.metrics, base, head, "gated metrics (--metric, the gate file's metrics)");
      !known.ok()) {
    return known.error();
  }
  for (const auto& scenario : base.scenarios) {
    if (auto added = report::add_scenario_gate(scenario.name, scenario.gate, policy); !added.ok()) {
      return added.error();
    }
  }

  GateOutcome outcome{.result = report::evaluate_gate(base, head, policy), .policy = policy, .reports = *reports};
  if (!request.confirm_with.empty()) {
    CompareRequest second = request.compare;
    second.base = request.confirm_with.at(0);
    second.head = request.confirm_with.at(1);
    auto round = read_reports(second);
    if (!round.ok()) return round.error();
    outcome.result = report::confirm(std::move(outcome.result), report::evaluate_gate(round->base, round->head, policy),
                                     /*improvements_too=*/true);
  }
  if (!request.confirm.empty() && !outcome.result.passed()) {
    const auto ids = report::suspects(outcome.result);
    if (!request.quiet) fmt::print(stderr, "velo gate: re-measuring {} suspected case(s) to confirm\n", ids.size());
    outcome.warnings = head.read_warnings;
    auto fresh = rerun(registry, ids, request.confirm, head, request.quiet);
    if (!fresh.ok()) return fresh.error();
    outcome.result = report::confirm(std::move(outcome.result), report::evaluate_gate(base, *fresh, policy));
  }
  return outcome;
}

}  // namespace velo::app

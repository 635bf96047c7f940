// The gate on count metrics (--measure instructions, docs/deterministic.md): counts
// identical in every repetition are judged by their relative change against the
// count threshold (default 0.5%), with no test; counts that vary fall back to the
// statistical test like any timing.
#include <catch2/catch.hpp>

#include "core/count_metric.hpp"
#include "export/diff.hpp"
#include "report/compare.hpp"
#include "report/gate.hpp"
#include "counted_case.hpp"

using namespace velo;
using report::CaseStatus;
using report::FindingKind;

namespace {

report::CaseResult counted(const std::string& id, std::vector<double> instructions) {
  return test::counted_case(id, "counters", std::move(instructions));
}

report::Report make_report(std::vector<report::CaseResult> cases) {
  report::Report r;
  r.environment.hostname = "host";
  r.scenarios.push_back({.path = "s.toml", .name = "s", .family = "counters", .content_hash = "fnv1a64:1"});
  r.cases = std::move(cases);
  return r;
}

const report::MetricComparison& only_metric(const report::GateResult& result) {
  REQUIRE(result.comparison.cases.size() == 1);
  REQUIRE(result.comparison.cases[0].metrics.size() == 1);
  return result.comparison.cases[0].metrics[0];
}

}  // namespace

TEST_CASE("equal counts pass, with no test and no warning about forks", "[gate][counts]") {
  const auto base = make_report({counted("a", {1234.5, 1234.5})});
  const auto result = report::evaluate_gate(base, base, {});
  CHECK(result.passed());
  CHECK(result.unchanged == 1);
  CHECK(only_metric(result).test == report::Test::exact_count);
  for (const auto& warning : result.comparison.warnings) CHECK_THAT(warning, !Catch::Contains("forks = 1"));
}

TEST_CASE("a 1% increase in instructions fails the gate with two repetitions", "[gate][counts]") {
  const auto base = make_report({counted("a", {1000, 1000})});
  const auto head = make_report({counted("a", {1010, 1010})});
  const auto result = report::evaluate_gate(base, head, {});
  CHECK_FALSE(result.passed());
  REQUIRE(result.findings.size() == 1);
  const auto& f = result.findings[0];
  CHECK(f.kind == FindingKind::regression);
  CHECK(f.metric == "instructions_per_op");
  CHECK(f.exact);
  CHECK(f.threshold == Approx(0.005));
  CHECK(f.delta == Approx(0.01));
  // And a 1% decrease is an improvement.
  const auto better = report::evaluate_gate(head, base, {});
  CHECK(better.passed());
  REQUIRE(better.findings.size() == 1);
  CHECK(better.findings[0].kind == FindingKind::improvement);
}

TEST_CASE("changes within the count threshold pass; the threshold is an option", "[gate][counts]") {
  const auto base = make_report({counted("a", {1000, 1000})});
  const auto head = make_report({counted("a", {1003, 1003})});  // +0.3%
  CHECK(report::evaluate_gate(base, head, {}).passed());
  report::GatePolicy strict;
  strict.compare.count_threshold = 0.002;
  const auto result = report::evaluate_gate(base, head, strict);
  CHECK_FALSE(result.passed());
  REQUIRE_FALSE(result.findings.empty());
  CHECK(result.findings[0].threshold_origin == "count threshold");
}

TEST_CASE("a rule naming the metric takes precedence over the count threshold", "[gate][counts]") {
  const auto base = make_report({counted("a", {1000, 1000})});
  const auto head = make_report({counted("a", {1010, 1010})});  // +1%
  report::GatePolicy policy;
  policy.rules.push_back({.origin = "gate.toml:3", .metric = "instructions_per_op", .max_regression = 0.02});
  const auto result = report::evaluate_gate(base, head, policy);
  CHECK(result.passed());
  CHECK(only_metric(result).test == report::Test::exact_count);
  // applied_threshold (what the gate's HTML page draws) says the same.
  const auto& cc = result.comparison.cases.at(0);
  CHECK(report::applied_threshold(policy, cc, only_metric(result)).first == Approx(0.02));
  CHECK(report::applied_threshold(report::GatePolicy{}, cc, only_metric(result)) ==
        std::pair<double, std::string>{0.005, "count threshold"});
}

TEST_CASE("counts that vary between repetitions fall back to the statistical test", "[gate][counts]") {
  // Repetition by repetition +1%, -1%, +3%, +1%: the pairs disagree (repetition_gate_test.cpp
  // has the counts whose pairs agree).
  const auto base = make_report({counted("a", {1000, 1010, 990, 1000})});
  const auto head = make_report({counted("a", {1010, 1000, 1020, 1010})});
  const auto result = report::evaluate_gate(base, head, {});
  const auto& mc = only_metric(result);
  CHECK(mc.test == report::Test::mann_whitney);
  // Judged like a timing: +1% is under the time threshold (5%), so it passes.
  CHECK(result.passed());
  CHECK(mc.p_value > 0);
  // And a clear +10% shift of varying counts that cannot be paired by repetition (7
  // against 6) is found by the test.
  const auto far = make_report({counted("a", {1100, 1101, 1099, 1100, 1102, 1098, 1100})});
  const auto base6 = make_report({counted("a", {1000, 1001, 999, 1000, 1002, 998})});
  const auto flagged = report::evaluate_gate(base6, far, {});
  CHECK(only_metric(flagged).test == report::Test::mann_whitney);
  CHECK_FALSE(flagged.passed());
}

TEST_CASE("time metrics that happen to repeat are still tested, not counted", "[gate][counts]") {
  auto c = counted("a", {100, 100});
  c.metrics[0].spec = {"ns_per_op", "ns", Better::lower, ""};
  auto h = counted("a", {110, 110});
  h.metrics[0].spec = c.metrics[0].spec;
  const auto result = report::evaluate_gate(make_report({c}), make_report({h}), {});
  CHECK(only_metric(result).test == report::Test::mann_whitney);
}

TEST_CASE("reports measured in different modes are warned about", "[gate][counts]") {
  auto timed = counted("a", {1000, 1000});
  timed.spec.settings.measure.mode = MeasureMode::time;
  const auto cmp = report::compare_reports(make_report({timed}), make_report({counted("a", {1000, 1000})}), {});
  bool warned = false;
  for (const auto& w : cmp.warnings) warned |= w.find("different modes") != std::string::npos;
  CHECK(warned);
}

TEST_CASE("the Markdown summaries show exact counts in full with their percent change", "[gate][counts]") {
  const auto base = make_report({counted("a", {1234.5, 1234.5})});
  const auto head = make_report({counted("a", {1246.845, 1246.845})});  // +1%
  const auto result = report::evaluate_gate(base, head, {});
  const std::string gate = exporter::gate_markdown(result);
  CHECK_THAT(gate, Catch::Contains("1234.5 → 1246.845 instr"));
  CHECK_THAT(gate, Catch::Contains("+1.00%"));
  CHECK_THAT(gate, Catch::Contains("exact counts"));
  CHECK_THAT(gate, Catch::Contains("counts identical in every repetition judged by their change against 0.50%"));
  const std::string compare = exporter::diff_markdown(result.comparison);
  CHECK_THAT(compare, Catch::Contains("| 1234.5 | 1246.845 | +1.00% | exact | worse |"));
}

// The gate on counts that differ between repetitions but repeat repetition by
// repetition (Test::exact_by_repetition, docs/deterministic.md): sample i of BASE is
// compared with sample i of HEAD. Every pair within the count threshold is unchanged,
// every pair beyond it in one direction is a change; anything else, or samples that
// cannot be paired, falls back to the statistical test. Samples are the shapes velo
// measured (map/sync_map_go1_23 50-45-5: 748.864 then 450.248 instructions per op).
#include <catch2/catch.hpp>

#include "core/count_metric.hpp"
#include "export/diff.hpp"
#include "report/compare.hpp"
#include "report/gate.hpp"
#include "counted_case.hpp"

using namespace velo;
using report::CaseStatus;
using report::FindingKind;
using report::Test;

namespace {

const std::vector<double> kSyncMap = {748.864, 450.248};

report::CaseResult counted(std::vector<double> instructions, MeasureMode mode = MeasureMode::instructions) {
  return test::counted_case("map/sync_map_go1_23/keys=1000,mix=50-45-5,threads=1", "map", std::move(instructions), mode);
}

std::vector<double> scaled(const std::vector<double>& samples, double factor) {
  std::vector<double> out;
  for (double x : samples) out.push_back(x * factor);
  return out;
}

report::Report make_report(report::CaseResult c) {
  report::Report r;
  r.environment.hostname = "host";
  r.scenarios.push_back({.path = "s.toml", .name = "s", .family = "map", .content_hash = "fnv1a64:1"});
  r.cases.push_back(std::move(c));
  return r;
}

const report::MetricComparison& only_metric(const report::GateResult& result) {
  REQUIRE(result.comparison.cases.size() == 1);
  REQUIRE(result.comparison.cases[0].metrics.size() == 1);
  return result.comparison.cases[0].metrics[0];
}

report::GateResult gate(const report::CaseResult& base, const report::CaseResult& head) {
  return report::evaluate_gate(make_report(base), make_report(head), {});
}

}  // namespace

TEST_CASE("equal sequences of varying counts are unchanged, exactly", "[gate][counts][repetition]") {
  const auto result = gate(counted(kSyncMap), counted(kSyncMap));
  const auto& mc = only_metric(result);
  CHECK(mc.test == Test::exact_by_repetition);
  CHECK(mc.pairs == 2);
  CHECK(mc.verdict == report::Verdict::same);
  CHECK(mc.delta == 0);
  CHECK_FALSE(mc.unstable);  // the samples differ by 40%, by design, not by noise
  CHECK_FALSE(mc.underpowered());
  CHECK(result.passed());
  CHECK(result.unchanged == 1);
  CHECK(result.underpowered == 0);
}

TEST_CASE("every repetition 1% larger is a regression, 1% smaller an improvement", "[gate][counts][repetition]") {
  const auto result = gate(counted(kSyncMap), counted(scaled(kSyncMap, 1.01)));
  CHECK(only_metric(result).test == Test::exact_by_repetition);
  CHECK_FALSE(result.passed());
  REQUIRE(result.findings.size() == 1);
  const auto& f = result.findings[0];
  CHECK(f.kind == FindingKind::regression);
  CHECK(f.exact);
  CHECK(f.by_repetition);
  CHECK(f.threshold_origin == "count threshold");
  CHECK(f.delta == Approx(0.01));  // the change of the medians
  const auto better = gate(counted(kSyncMap), counted(scaled(kSyncMap, 0.99)));
  CHECK(better.passed());
  REQUIRE(better.findings.size() == 1);
  CHECK(better.findings[0].kind == FindingKind::improvement);
}

TEST_CASE("every repetition within the count threshold is unchanged", "[gate][counts][repetition]") {
  const auto result = gate(counted(kSyncMap), counted(scaled(kSyncMap, 1.003)));  // +0.3% < 0.5%
  const auto& mc = only_metric(result);
  CHECK(mc.test == Test::exact_by_repetition);
  CHECK(mc.verdict == report::Verdict::same);
  CHECK(result.passed());
  // Pairs on both sides of zero but all within the threshold agree too.
  const auto both_ways = gate(counted(kSyncMap), counted({748.864 * 1.002, 450.248 * 0.998}));
  CHECK(only_metric(both_ways).test == Test::exact_by_repetition);
  CHECK(both_ways.passed());
}

TEST_CASE("pairs that disagree fall back to the statistical test", "[gate][counts][repetition]") {
  // One repetition +1%, the other unchanged: within and beyond the threshold.
  const auto mixed = gate(counted(kSyncMap), counted({748.864 * 1.01, 450.248}));
  CHECK(only_metric(mixed).test == Test::mann_whitney);
  CHECK(only_metric(mixed).underpowered());  // 2 + 2 samples: the test can never flag it
  CHECK(mixed.passed());
  // Both beyond the threshold, in opposite directions.
  const auto opposite = gate(counted(kSyncMap), counted({748.864 * 1.02, 450.248 * 0.98}));
  CHECK(only_metric(opposite).test == Test::mann_whitney);
}

TEST_CASE("samples that cannot be paired by repetition fall back to the test", "[gate][counts][repetition]") {
  SECTION("different repetition counts") {
    const auto result = gate(counted(kSyncMap), counted({748.864, 450.248, 450.301}));
    CHECK(only_metric(result).test == Test::mann_whitney);
  }
  SECTION("the same samples split differently over forks") {
    auto base = counted({748.864, 450.248, 748.864, 450.248});
    auto head = counted(scaled({748.864, 450.248, 748.864, 450.248}, 1.01));
    base.details["fork_repetitions"] = {2, 2};
    head.details["fork_repetitions"] = {3, 1};
    CHECK(only_metric(gate(base, head)).test == Test::mann_whitney);
    // ...and the same split pairs them (4 pairs, all +1%).
    head.details["fork_repetitions"] = {2, 2};
    const auto paired = gate(base, head);
    CHECK(only_metric(paired).test == Test::exact_by_repetition);
    CHECK(only_metric(paired).pairs == 4);
    CHECK_FALSE(paired.passed());
  }
  SECTION("other measurement settings (ops)") {
    auto head = counted(scaled(kSyncMap, 1.01));
    head.spec.settings.measure.ops = 2000;
    CHECK(only_metric(gate(counted(kSyncMap), head)).test == Test::mann_whitney);
  }
  SECTION("the CPU's counters, which vary from run to run") {
    auto base = counted(kSyncMap, MeasureMode::counters);
    auto head = counted(scaled(kSyncMap, 1.01), MeasureMode::counters);
    CHECK(only_metric(gate(base, head)).test == Test::mann_whitney);
  }
  SECTION("multi-threaded cases counted with --threaded") {
    auto base = counted(kSyncMap);
    auto head = counted(scaled(kSyncMap, 1.01));
    base.spec.settings.measure.threaded = head.spec.settings.measure.threaded = true;
    CHECK(only_metric(gate(base, head)).test == Test::mann_whitney);
  }
}

TEST_CASE("repetitions_agree: within, beyond one way, or not at all", "[counts][repetition]") {
  CHECK(report::repetitions_agree({0, 0}, 0.005));
  CHECK(report::repetitions_agree({0.005, -0.005}, 0.005));  // at the threshold is within
  CHECK(report::repetitions_agree({0.01, 0.02}, 0.005));
  CHECK(report::repetitions_agree({-0.01, -0.02}, 0.005));
  CHECK_FALSE(report::repetitions_agree({0.01, 0.001}, 0.005));
  CHECK_FALSE(report::repetitions_agree({0.01, -0.01}, 0.005));
  CHECK_FALSE(report::repetitions_agree({}, 0.005));
  CHECK_FALSE(report::repetitions_agree({0.01, std::nan("")}, 0.005));
  CHECK(report::repetitions_agree({HUGE_VAL, 0.5}, 0.005));  // from 0 to something, and +50%
}

TEST_CASE("the outputs name the by-repetition comparison", "[gate][counts][repetition]") {
  const auto result = gate(counted(kSyncMap), counted(scaled(kSyncMap, 1.01)));
  const std::string markdown = exporter::gate_markdown(result);
  CHECK_THAT(markdown, Catch::Contains("599.556 → 605.552 instr"));
  CHECK_THAT(markdown, Catch::Contains("exact counts repetition by repetition"));
  CHECK_THAT(markdown, Catch::Contains("counts repeating repetition by repetition (exact/rep) judged by their change"));
  CHECK_THAT(exporter::diff_markdown(result.comparison), Catch::Contains("| exact/rep | worse |"));
  const std::string json = exporter::gate_json(result);
  CHECK_THAT(json, Catch::Contains("\"test\": \"exact_by_repetition\""));
  CHECK_THAT(json, Catch::Contains("\"by_repetition\": true"));
  CHECK_THAT(exporter::diff_csv(result.comparison), Catch::Contains(",exact_by_repetition,2"));
}

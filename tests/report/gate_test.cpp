// Comparison and gate verdicts on synthetic reports: pass, regression, improvement,
// broken and missing cases, thresholds and their precedence, mismatched environments.
#include <catch2/catch.hpp>

#include <cmath>
#include <filesystem>
#include <fstream>

#include "export/benchstat.hpp"
#include "export/diff.hpp"
#include "report/compare.hpp"
#include "report/gate.hpp"

using namespace velo;
using report::CaseStatus;
using report::FindingKind;
using report::Verdict;

namespace {

// Ten samples around `center` with a small deterministic spread (+-0.5%).
std::vector<double> around(double center, int n = 10) {
  std::vector<double> xs;
  for (int i = 0; i < n; ++i) xs.push_back(center * (1 + 0.001 * ((i * 7) % 11 - 5)));
  return xs;
}

report::CaseResult make_case(const std::string& id, std::vector<double> ns, CaseStatus status = CaseStatus::ok) {
  report::CaseResult c;
  c.spec.id = id;
  c.spec.family = "counters";
  c.spec.scenario = "s";
  c.status = status;
  if (status == CaseStatus::ok) {
    report::MetricResult m;
    m.spec = {"ns_per_op", "ns", Better::lower, ""};
    m.samples = ns;
    m.summary = stats::summarize(ns);
    c.metrics.push_back(m);
    report::MetricResult t;
    t.spec = {"ops_per_s", "op/s", Better::higher, ""};
    for (double x : ns) t.samples.push_back(1e9 / x);
    t.summary = stats::summarize(t.samples);
    c.metrics.push_back(t);
  } else {
    c.reason = "boom";
  }
  return c;
}

report::Report make_report(std::vector<report::CaseResult> cases) {
  report::Report r;
  r.environment.hostname = "host";
  r.environment.cpu_model = "cpu";
  r.scenarios.push_back({.path = "s.toml", .name = "s", .family = "counters", .content_hash = "fnv1a64:1"});
  r.cases = std::move(cases);
  return r;
}

const report::GateFinding* find(const report::GateResult& r, const std::string& id, FindingKind kind) {
  for (const auto& f : r.findings) {
    if (f.id == id && f.kind == kind) return &f;
  }
  return nullptr;
}

}  // namespace

TEST_CASE("identical reports pass with everything unchanged", "[gate]") {
  auto base = make_report({make_case("a", around(100)), make_case("b", around(200))});
  auto result = report::evaluate_gate(base, base, {});
  CHECK(result.passed());
  CHECK(result.findings.empty());
  CHECK(result.unchanged == 2);
  const auto cmp = report::compare_reports(base, base, {});
  for (const auto& cc : cmp.cases) {
    for (const auto& mc : cc.metrics) CHECK(mc.verdict == Verdict::same);
  }
  REQUIRE(cmp.geomeans.size() == 2);
  CHECK(cmp.geomeans[0].ratio == Approx(1.0));
}

TEST_CASE("the gate warns when cases ran every repetition in one process", "[gate]") {
  auto single = make_report({make_case("a", around(100)), make_case("b", around(200))});
  auto result = report::evaluate_gate(single, single, {});
  REQUIRE(result.comparison.warnings.size() == 1);
  CHECK(result.comparison.warnings[0].starts_with("4 of 4 measured cases ran all their repetitions in one worker"));
  CHECK(result.passed());  // a warning, not a verdict

  auto forked = single;
  for (auto& c : forked.cases) c.spec.settings.forks = 10;
  CHECK(report::evaluate_gate(forked, forked, {}).comparison.warnings.empty());
  // One repetition per case has no within-process spread to mistake for precision.
  for (auto& c : single.cases) c.spec.settings.repetitions = 1;
  CHECK_FALSE(report::single_process_warning(single, single));
}

TEST_CASE("a significant 10% slowdown fails a 5% gate; improvements pass", "[gate]") {
  auto base = make_report({make_case("slow", around(100)), make_case("fast", around(100)), make_case("same", around(100))});
  auto head = make_report({make_case("slow", around(110)), make_case("fast", around(80)), make_case("same", around(100.1))});
  auto result = report::evaluate_gate(base, head, {});
  CHECK_FALSE(result.passed());
  CHECK(result.regressions() == 1);
  const auto* slow = find(result, "slow", FindingKind::regression);
  REQUIRE(slow);
  CHECK(slow->delta == Approx(0.10).margin(0.005));
  CHECK(slow->threshold == Approx(0.05));
  CHECK(slow->threshold_origin == "default");
  CHECK(find(result, "fast", FindingKind::improvement));
  CHECK(result.unchanged == 1);
  CHECK(result.findings.front().kind == FindingKind::regression);  // regressions first

  // The same change under a 15% limit passes.
  report::GatePolicy lenient;
  lenient.cli_max_regression = 0.15;
  CHECK(report::evaluate_gate(base, head, lenient).passed());
}

TEST_CASE("direction comes from the metric: higher-is-better throughput", "[gate]") {
  auto base = make_report({make_case("x", around(100))});
  auto head = make_report({make_case("x", around(120))});
  report::GatePolicy policy;
  policy.metrics = {"ops_per_s"};  // ops/s fell by a sixth: worse
  auto result = report::evaluate_gate(base, head, policy);
  REQUIRE(result.regressions() == 1);
  CHECK(result.findings[0].metric == "ops_per_s");
  CHECK(result.findings[0].delta < 0);
}

TEST_CASE("too few samples can never be significant, and say so", "[gate]") {
  auto base = make_report({make_case("x", around(100, 3))});
  auto head = make_report({make_case("x", around(200, 3))});
  auto result = report::evaluate_gate(base, head, {});
  CHECK(result.passed());
  CHECK(result.underpowered == 1);
  const auto cmp = report::compare_reports(base, head, {});
  const auto* mc = cmp.cases[0].find_metric("ns_per_op");
  CHECK(mc->smallest_p == Approx(0.1));
  CHECK(mc->underpowered());
  CHECK_THAT(exporter::diff_table(cmp), Catch::Contains("can never show a significant change"));
}

TEST_CASE("a case that broke in head fails the gate; added and removed do not", "[gate]") {
  auto base = make_report({make_case("broke", around(100)), make_case("gone", around(100))});
  auto head = make_report({make_case("broke", {}, CaseStatus::timeout), make_case("new", around(100))});
  auto result = report::evaluate_gate(base, head, {});
  CHECK_FALSE(result.passed());
  const auto* broke = find(result, "broke", FindingKind::broke);
  REQUIRE(broke);
  CHECK_THAT(broke->reason, Catch::Contains("timeout"));
  CHECK(find(result, "gone", FindingKind::removed));
  CHECK(find(result, "new", FindingKind::added));
  CHECK(result.regressions() == 1);
}

TEST_CASE("a case failing in both reports is not a regression", "[gate]") {
  auto base = make_report({make_case("x", {}, CaseStatus::failed)});
  auto head = make_report({make_case("x", {}, CaseStatus::failed)});
  CHECK(report::evaluate_gate(base, head, {}).passed());
}

TEST_CASE("threshold precedence: case+metric > case > metric > global", "[gate]") {
  report::GatePolicy policy;
  policy.max_regression = 0.07;
  policy.rules.push_back({.origin = "metric rule", .metric = "ns_per_op", .max_regression = 0.04});
  policy.rules.push_back({.origin = "case rule", .pattern = Pattern::compile("^channel/", "test").value(),
                          .max_regression = 0.20});
  policy.rules.push_back({.origin = "case+metric rule", .pattern = Pattern::compile("spsc", "test").value(),
                          .metric = "ns_per_op", .max_regression = 0.50});
  CHECK(policy.threshold("channel/spsc/x", "s", "ns_per_op").second == "case+metric rule");
  CHECK(policy.threshold("channel/go/x", "s", "ns_per_op").second == "case rule");
  CHECK(policy.threshold("map/x", "s", "ns_per_op").second == "metric rule");
  CHECK(policy.threshold("map/x", "s", "ops_per_s").first == Approx(0.07));
  policy.cli_max_regression = 0.03;
  CHECK(policy.threshold("map/x", "s", "ops_per_s").second == "--max-regression");
  CHECK(policy.threshold("map/x", "s", "ns_per_op").second == "metric rule");
}

TEST_CASE("scenario [gate] tables apply to their own scenario's cases", "[gate]") {
  report::GatePolicy policy;
  const auto table = nlohmann::json::parse(R"({"max_regression": "12%",
      "metric": {"ops_per_s": {"max_regression": "2%"}},
      "case": [{"pattern": "mutex", "max_regression": "30%"}]})");
  REQUIRE(report::add_scenario_gate("counters", table, policy).ok());
  CHECK(policy.threshold("counters/atomic/x", "counters", "ns_per_op").first == Approx(0.12));
  CHECK(policy.threshold("counters/atomic/x", "counters", "ops_per_s").first == Approx(0.02));
  CHECK(policy.threshold("counters/mutex/x", "counters", "ns_per_op").first == Approx(0.30));
  CHECK(policy.threshold("map/mutex/x", "map", "ns_per_op").first == Approx(0.05));  // other scenario

  report::GatePolicy bad;
  auto typo = report::add_scenario_gate("counters", nlohmann::json::parse(R"({"max_regresion": "5%"})"), bad);
  REQUIRE_FALSE(typo.ok());
  CHECK_THAT(typo.error().message, Catch::Contains("did you mean 'max_regression'?"));
  auto number = report::add_scenario_gate("counters", nlohmann::json::parse(R"({"max_regression": 5})"), bad);
  REQUIRE_FALSE(number.ok());
  CHECK_THAT(number.error().message, Catch::Contains("percentage string"));
}

TEST_CASE("gate files: keys, locations and errors", "[gate]") {
  namespace fs = std::filesystem;
  const fs::path path = fs::temp_directory_path() / "velo-gate-test.toml";
  auto write = [&](const std::string& text) { std::ofstream(path) << text; };
  write("[gate]\nmax_regression = \"3%\"\nmetrics = [\"ns_per_op\", \"allocs_per_op\"]\ncorrection = \"bh\"\n"
        "[gate.metric.allocs_per_op]\nmax_regression = \"0%\"\n"
        "[[gate.case]]\npattern = \"^io/\"\nmax_regression = \"15%\"\n");
  report::GatePolicy policy;
  REQUIRE(report::load_gate_file(path.string(), policy).ok());
  CHECK(policy.max_regression == Approx(0.03));
  CHECK(policy.metrics == std::vector<std::string>{"ns_per_op", "allocs_per_op"});
  CHECK(policy.compare.correction == stats::Correction::benjamini_hochberg);
  CHECK(policy.threshold("io/x", "s", "ns_per_op").first == Approx(0.15));
  CHECK(policy.threshold("io/x", "s", "ns_per_op").second == path.string() + ":7");
  CHECK(policy.threshold("pool/x", "s", "allocs_per_op").first == Approx(0.0));

  write("max_regression = \"5%\"\n[[case]]\npattern = \"(\"\nmax_regression = \"1%\"\n");
  report::GatePolicy broken;
  auto status = report::load_gate_file(path.string(), broken);
  REQUIRE_FALSE(status.ok());
  CHECK(status.error().where.line == 3);
  CHECK_THAT(status.error().message, Catch::Contains("not a valid regular expression"));

  write("max_regression = \n");
  auto syntax = report::load_gate_file(path.string(), broken);
  REQUIRE_FALSE(syntax.ok());
  CHECK(syntax.error().where.line == 1);
  fs::remove(path);
}

TEST_CASE("different machines compare with warnings naming what differs", "[compare]") {
  auto base = make_report({make_case("x", around(100))});
  auto head = base;
  head.environment.cpu_model = "other cpu";
  head.environment.compiler = "clang 18";
  head.scenarios[0].content_hash = "fnv1a64:2";
  head.complete = false;
  const auto cmp = report::compare_reports(base, head, {});
  REQUIRE(cmp.warnings.size() == 4);
  CHECK_THAT(cmp.warnings[0], Catch::Contains("CPU differs"));
  CHECK_THAT(cmp.warnings[1], Catch::Contains("compiler differs"));
  CHECK_THAT(cmp.warnings[2], Catch::Contains("scenario 's' has different contents"));
  CHECK_THAT(cmp.warnings[3], Catch::Contains("head report is incomplete"));
}

TEST_CASE("Holm correction keeps one noisy case among many from failing", "[gate]") {
  // Twenty unchanged cases plus one whose raw p is small but not small enough once
  // corrected for 21 tests: separation of 5 vs 5 samples gives p = 0.0079 raw.
  std::vector<report::CaseResult> base_cases, head_cases;
  for (int i = 0; i < 20; ++i) {
    base_cases.push_back(make_case("same" + std::to_string(i), around(100, 5)));
    head_cases.push_back(make_case("same" + std::to_string(i), around(100, 5)));
  }
  base_cases.push_back(make_case("noisy", {100, 101, 102, 103, 104}));
  head_cases.push_back(make_case("noisy", {110, 111, 112, 113, 114}));
  auto base = make_report(base_cases), head = make_report(head_cases);
  CHECK(report::evaluate_gate(base, head, {}).passed());
  report::GatePolicy uncorrected;
  uncorrected.compare.correction = stats::Correction::none;
  CHECK_FALSE(report::evaluate_gate(base, head, uncorrected).passed());
}

namespace {

// One side of a paired run: `forks` forks of one repetition each. Fork k's level moves
// by drift(k) (up to +-30%) on both sides, as a slow minute or a busy neighbour does in
// a paired run; `jitter` is each process's own small luck, different per side.
report::Report paired_side(const std::string& role, double factor, int forks = 10, std::string run_id = "r1",
                           int jitter_seed = 0) {
  std::vector<double> ns;
  for (int k = 0; k < forks; ++k) {
    const double drift = 1 + 0.3 * std::sin(1.7 * k);
    const double jitter = 1 + 0.003 * std::sin((k + 1) * (jitter_seed + 2.3));
    ns.push_back(100 * drift * factor * jitter);
  }
  auto c = make_case("x", ns);
  c.spec.settings.repetitions = forks;
  c.spec.settings.forks = forks;
  c.details["fork_repetitions"] = std::vector<int>(static_cast<std::size_t>(forks), 1);
  auto r = make_report({c});
  r.pairing = report::Pairing{std::move(run_id), role};
  return r;
}

}  // namespace

TEST_CASE("fork medians split the samples by the forks' shares", "[compare]") {
  auto c = make_case("x", {1, 2, 3, 10, 30, 20});
  c.details["fork_repetitions"] = {3, 3};
  CHECK(report::fork_medians(c, c.metrics[0]) == std::vector<double>{2, 20});
  c.details["fork_repetitions"] = {3, 2};  // shares that do not add up: no split
  CHECK(report::fork_medians(c, c.metrics[0]).empty());
  c.details["fork_repetitions"] = {3, "three"};
  CHECK(report::fork_medians(c, c.metrics[0]).empty());
  c.details["fork_repetitions"] = {3, 0, 3};
  CHECK(report::fork_medians(c, c.metrics[0]).empty());
  c.details.erase("fork_repetitions");  // one process
  CHECK(report::fork_medians(c, c.metrics[0]) == std::vector<double>{6.5});
}

TEST_CASE("a paired run is tested fork by fork: drift shared by a pair cancels", "[compare]") {
  // +6% in every fork, under drift of +-30% that hides it from the unpaired test.
  const auto base = paired_side("base", 1.0, 10, "r1", 0);
  const auto head = paired_side("head", 1.06, 10, "r1", 1);
  REQUIRE(report::is_pair(base, head));
  const auto paired = report::compare_reports(base, head, {});
  CHECK(paired.paired);
  const auto* mc = paired.cases[0].find_metric("ns_per_op");
  REQUIRE(mc);
  CHECK(mc->test == report::Test::signed_rank);
  CHECK(mc->pairs == 10);
  CHECK(mc->exact);
  CHECK(mc->p_value == Approx(2.0 / 1024));  // every fork slower
  CHECK(mc->verdict == Verdict::worse);
  const auto gated = report::evaluate_gate(base, head, {});
  CHECK(gated.regressions() == 1);
  CHECK_THAT(exporter::diff_table(paired), Catch::Contains("Wilcoxon signed-rank over the forks of one paired run"));
  CHECK_THAT(exporter::diff_json(paired), Catch::Contains("\"test\": \"signed_rank\""));
  CHECK_THAT(exporter::gate_markdown(gated), Catch::Contains("Wilcoxon signed-rank"));

  // The same samples without the pairing: the U test sees two overlapping clouds.
  auto unpaired_base = base, unpaired_head = head;
  unpaired_base.pairing.reset();
  unpaired_head.pairing.reset();
  const auto unpaired = report::compare_reports(unpaired_base, unpaired_head, {});
  CHECK_FALSE(unpaired.paired);
  const auto* u = unpaired.cases[0].find_metric("ns_per_op");
  CHECK(u->test == report::Test::mann_whitney);
  CHECK(u->p_value > 0.05);
  CHECK(u->verdict == Verdict::same);
  CHECK(report::evaluate_gate(unpaired_base, unpaired_head, {}).passed());
  // --unpaired: the same, with the pairing still in the reports.
  report::CompareOptions ignore_pairing;
  ignore_pairing.use_pairing = false;
  const auto ignored = report::compare_reports(base, head, ignore_pairing);
  CHECK_FALSE(ignored.paired);
  CHECK(ignored.cases[0].find_metric("ns_per_op")->p_value == u->p_value);
}

TEST_CASE("identical paired sides pass; different paired runs are not a pair", "[compare]") {
  const auto base = paired_side("base", 1.0);
  const auto same = report::evaluate_gate(base, paired_side("head", 1.0, 10, "r1", 1), {});
  CHECK(same.passed());
  CHECK(same.findings.empty());
  const auto other_run = paired_side("head", 1.06, 10, "r2", 1);
  CHECK_FALSE(report::is_pair(base, other_run));
  const auto cmp = report::compare_reports(base, other_run, {});
  CHECK_FALSE(cmp.paired);
  CHECK(cmp.cases[0].find_metric("ns_per_op")->test == report::Test::mann_whitney);
}

TEST_CASE("paired cases without forks to pair fall back to the U test and say so", "[compare]") {
  auto base = paired_side("base", 1.0);
  auto head = paired_side("head", 1.06, 10, "r1", 1);
  head.cases[0].details.erase("fork_repetitions");  // as if HEAD ran it in one process
  const auto cmp = report::compare_reports(base, head, {});
  CHECK(cmp.cases[0].find_metric("ns_per_op")->test == report::Test::mann_whitney);
  REQUIRE_FALSE(cmp.warnings.empty());
  CHECK_THAT(cmp.warnings.back(), Catch::Contains("1 case of the paired run") && Catch::Contains("tested unpaired"));
}

TEST_CASE("paired counts that can be zero are compared as differences", "[compare]") {
  auto base = paired_side("base", 1.0);
  auto head = paired_side("head", 1.0, 10, "r1", 1);
  for (auto* side : {&base, &head}) {
    report::MetricResult allocs;
    allocs.spec = {"allocs_per_op", "allocs", Better::lower, ""};
    allocs.samples.assign(10, side == &base ? 0.0 : 1.0);
    allocs.summary = stats::summarize(allocs.samples);
    side->cases[0].metrics.push_back(allocs);
  }
  const auto cmp = report::compare_reports(base, head, {});
  const auto* mc = cmp.cases[0].find_metric("allocs_per_op");
  REQUIRE(mc);
  CHECK(mc->test == report::Test::signed_rank);
  CHECK(mc->p_value < 0.01);
  CHECK(mc->verdict == Verdict::worse);
}

TEST_CASE("a paired run uses the paired test only where it can reach significance", "[compare]") {
  // Four forks: 2 / 2^4 = 0.125 even when every fork agrees, so the four samples a
  // side are tested unpaired (U can reach 2 / C(8, 4) = 0.029), with a warning.
  const auto few = report::compare_reports(paired_side("base", 1.0, 4), paired_side("head", 1.5, 4, "r1", 1), {});
  const auto* mc = few.cases[0].find_metric("ns_per_op");
  CHECK(mc->test == report::Test::mann_whitney);
  CHECK(mc->smallest_p == Approx(2.0 / 70));
  CHECK_FALSE(mc->underpowered());
  REQUIRE_FALSE(few.warnings.empty());
  CHECK_THAT(few.warnings.back(), Catch::Contains("1 case of the paired run was tested unpaired") &&
                                      Catch::Contains("because 4 paired forks can never reach"));
  CHECK_THAT(few.warnings.back(), Catch::Contains("measure with --forks 6 or more"));
  CHECK_THAT(exporter::diff_table(few), Catch::Contains("p: two-sided Mann-Whitney U,"));

  // Ten forks reach 2 / 1024 = 0.00195: enough for 20 cases under Holm (0.05 / 20 =
  // 0.0025), not for 40 (0.00125), which need 11.
  auto many = [](int cases) {
    auto base = paired_side("base", 1.0), head = paired_side("head", 1.0, 10, "r1", 1);
    for (int i = 1; i < cases; ++i) {
      auto b = base.cases[0], h = head.cases[0];
      b.spec.id = h.spec.id = "x" + std::to_string(i);
      base.cases.push_back(b);
      head.cases.push_back(h);
    }
    return report::compare_reports(base, head, {});
  };
  const auto twenty = many(20);
  CHECK(twenty.cases[0].find_metric("ns_per_op")->flaggable_p == Approx(0.0025));
  CHECK(twenty.cases[0].find_metric("ns_per_op")->test == report::Test::signed_rank);
  CHECK(twenty.warnings.empty());
  const auto forty = many(40);
  CHECK(forty.cases[0].find_metric("ns_per_op")->test == report::Test::mann_whitney);
  REQUIRE(forty.warnings.size() == 1);
  CHECK_THAT(forty.warnings[0], Catch::Contains("40 cases of the paired run were tested unpaired") &&
                                    Catch::Contains("10 paired forks can never reach the p-value the holm "
                                                    "correction across this many cases needs") &&
                                    Catch::Contains("--forks 11 or more"));

  report::CompareOptions uncorrected;
  uncorrected.correction = stats::Correction::none;
  const auto plain = report::compare_reports(paired_side("base", 1.0), paired_side("head", 1.0, 10, "r1", 1),
                                             uncorrected);
  CHECK(plain.cases[0].find_metric("ns_per_op")->flaggable_p == 0.05);
}

TEST_CASE("the smallest p the correction lets through decides what is underpowered", "[compare]") {
  // 4 + 4 samples reach 0.029: enough alone, not among 4 cases under Holm (0.0125).
  std::vector<report::CaseResult> base_cases, head_cases;
  for (int i = 0; i < 4; ++i) {
    base_cases.push_back(make_case("c" + std::to_string(i), around(100, 4)));
    head_cases.push_back(make_case("c" + std::to_string(i), around(200, 4)));
  }
  const auto cmp = report::compare_reports(make_report(base_cases), make_report(head_cases), {});
  CHECK(cmp.cases[0].find_metric("ns_per_op")->underpowered());
  CHECK_THAT(exporter::diff_table(cmp),
             Catch::Contains("with 4 and 4 samples the smallest possible p-value is 0.029, not below 0.013, the "
                             "most a case changing alone may have after the holm correction across 4 cases"));
  const auto alone = report::compare_reports(make_report({base_cases[0]}), make_report({head_cases[0]}), {});
  CHECK_FALSE(alone.cases[0].find_metric("ns_per_op")->underpowered());
  CHECK(alone.cases[0].find_metric("ns_per_op")->verdict == Verdict::worse);
}

TEST_CASE("--confirm keeps only regressions the rerun reproduces", "[gate]") {
  auto base = make_report({make_case("real", around(100)), make_case("fluke", around(100))});
  auto head = make_report({make_case("real", around(120)), make_case("fluke", around(120))});
  auto rerun = make_report({make_case("real", around(121)), make_case("fluke", around(100))});
  auto first = report::evaluate_gate(base, head, {});
  CHECK(report::suspects(first) == std::vector<std::string>{"real", "fluke"});
  auto confirmed = report::confirm(first, report::evaluate_gate(base, rerun, {}));
  CHECK(confirmed.regressions() == 1);
  CHECK(find(confirmed, "real", FindingKind::regression));
  CHECK(find(confirmed, "fluke", FindingKind::unconfirmed));
}

TEST_CASE("a second round confirms regressions and improvements alike", "[gate]") {
  auto base = make_report({make_case("real", around(100)), make_case("fluke", around(100)),
                           make_case("faster", around(100)), make_case("lucky", around(100))});
  auto head = make_report({make_case("real", around(120)), make_case("fluke", around(120)),
                           make_case("faster", around(80)), make_case("lucky", around(80))});
  auto base2 = make_report({make_case("real", around(101)), make_case("fluke", around(100)),
                            make_case("faster", around(100)), make_case("lucky", around(100))});
  auto head2 = make_report({make_case("real", around(122)), make_case("fluke", around(101)),
                            make_case("faster", around(79)), make_case("lucky", around(100))});
  auto result = report::confirm(report::evaluate_gate(base, head, {}), report::evaluate_gate(base2, head2, {}),
                                /*improvements_too=*/true);
  CHECK(result.regressions() == 1);
  CHECK(find(result, "real", FindingKind::regression));
  CHECK(find(result, "fluke", FindingKind::unconfirmed));
  CHECK(find(result, "faster", FindingKind::improvement));
  CHECK(find(result, "lucky", FindingKind::unconfirmed));
}

TEST_CASE("an improvement must clear the same threshold as a regression", "[gate]") {
  auto base = make_report({make_case("a", around(100))});
  auto head = make_report({make_case("a", around(97))});  // significant, 3% better
  auto result = report::evaluate_gate(base, head, {});
  CHECK(result.findings.empty());
  CHECK(result.unchanged == 1);
  report::GatePolicy strict;
  strict.cli_max_regression = 0.02;
  CHECK(find(report::evaluate_gate(base, head, strict), "a", FindingKind::improvement));
}

TEST_CASE("a metric growing from zero is an unbounded regression", "[gate]") {
  CHECK(std::isinf(report::relative_change(0, 1)));
  CHECK(report::relative_change(0, 0) == 0);
  CHECK(report::relative_change(100, 110) == Approx(0.1));
  CHECK(exporter::format_delta(HUGE_VAL) == "+inf%");
  CHECK(exporter::format_delta(0.1234) == "+12.3%");
  CHECK(exporter::format_delta(-0.05) == "-5.00%");
}

TEST_CASE("gate Markdown lists regressions, then improvements, then the unchanged count", "[gate]") {
  auto base = make_report({make_case("slow", around(100)), make_case("fast", around(100)), make_case("same", around(100))});
  auto head = make_report({make_case("slow", around(110)), make_case("fast", around(80)), make_case("same", around(100))});
  const auto md = exporter::gate_markdown(report::evaluate_gate(base, head, {}));
  const auto regressions = md.find("### Regressions");
  const auto improvements = md.find("### Improvements");
  REQUIRE(regressions != std::string::npos);
  REQUIRE(improvements != std::string::npos);
  CHECK(regressions < improvements);
  CHECK(md.find("`slow`") < improvements);
  CHECK(md.find("`fast`") > improvements);
  CHECK_THAT(md, Catch::Contains("1 unchanged"));
  CHECK_THAT(md, Catch::Contains("failed"));
}

TEST_CASE("global limits: --max-regression, then the gate file, then the scenario", "[gate]") {
  report::GatePolicy policy;
  REQUIRE(report::add_scenario_gate("counters", nlohmann::json::parse(R"({"max_regression": "12%"})"), policy).ok());
  CHECK(policy.threshold("counters/a", "counters", "ns_per_op").first == Approx(0.12));
  policy.max_regression = 0.06;  // the gate file's
  CHECK(policy.threshold("counters/a", "counters", "ns_per_op").first == Approx(0.06));
  CHECK(policy.threshold("counters/a", "counters", "ns_per_op").second == "gate file");
  policy.cli_max_regression = 0.2;
  CHECK(policy.threshold("counters/a", "counters", "ns_per_op").first == Approx(0.2));
}

TEST_CASE("benchstat export: B/op and allocs/op follow ns/op, only when measured", "[export]") {
  auto r = make_report({make_case("counters/atomic/increments=10,threads=2", {10, 11})});
  r.environment.logical_cpus = 2;
  r.cases[0].details["iterations"] = {1000, 2000};
  auto allocs = r.cases[0].metrics.front();
  allocs.spec.name = "allocs_per_op";
  allocs.samples = {0, 1};
  auto bytes = allocs;
  bytes.spec.name = "bytes_per_op";
  bytes.samples = {0, 16};
  r.cases[0].metrics.push_back(allocs);
  r.cases[0].metrics.push_back(bytes);
  r.cases.push_back(make_case("counters/mutex/increments=10,threads=2", {20, 21}));
  const auto text = exporter::benchstat_text(r);
  CHECK_THAT(text, Catch::Contains("BenchmarkCounters/atomic/increments=10/threads=2-2\t1000\t10 ns/op\t0 B/op\t"
                                   "0 allocs/op\t100000000 ops/s\n"));
  CHECK_THAT(text, Catch::Contains("\t11 ns/op\t16 B/op\t1 allocs/op\t"));
  CHECK_THAT(text, Catch::Contains("BenchmarkCounters/mutex/increments=10/threads=2-2\t1\t20 ns/op\t50000000 ops/s\n"));
  CHECK_THAT(text, !Catch::Contains("mutex/increments=10/threads=2-2\t1\t20 ns/op\t0"));
}

TEST_CASE("benchstat export: one Go benchmark line per repetition", "[export]") {
  auto r = make_report({make_case("counters/atomic/threads=2", {10, 11})});
  r.environment.os = "Linux";
  r.environment.arch = "x86_64";
  r.environment.logical_cpus = 2;
  r.cases[0].details["iterations"] = {1000, 2000};
  const auto text = exporter::benchstat_text(r);
  CHECK_THAT(text, Catch::Contains("goos: linux\ngoarch: amd64\n"));
  CHECK_THAT(text, Catch::Contains("BenchmarkCounters/atomic/threads=2-2\t1000\t10 ns/op\t100000000 ops/s\n"));
  CHECK_THAT(text, Catch::Contains("BenchmarkCounters/atomic/threads=2-2\t2000\t11 ns/op"));
  CHECK(exporter::go_unit("allocs_per_op") == "allocs/op");
  CHECK(exporter::go_unit("bytes_per_op") == "B/op");
}

// Reports that must never be misread (issue #15): duplicate ids, ok cases without
// samples, hostile nesting, and pairs of reports that cannot be compared honestly.
#include <catch2/catch.hpp>

#include <algorithm>
#include <string>

#include "report/compare.hpp"
#include "report/gate.hpp"
#include "report/report.hpp"

using namespace velo;
using report::CaseStatus;

namespace {

report::CaseResult measured(const std::string& id, double ns, std::string unit = "ns") {
  report::CaseResult c;
  c.spec.id = id;
  c.spec.family = "counters";
  c.spec.scenario = "s";
  c.spec.settings.repetitions = 10;
  report::MetricResult m;
  m.spec = {"ns_per_op", std::move(unit), Better::lower, ""};
  for (int i = 0; i < 10; ++i) m.samples.push_back(ns * (1 + 0.001 * i));
  m.summary = stats::summarize(m.samples);
  c.metrics.push_back(std::move(m));
  return c;
}

report::Report with(std::vector<report::CaseResult> cases) {
  report::Report r;
  r.provenance.velo_version = "0.1.0";
  r.cases = std::move(cases);
  return r;
}

// A report as text, through the real writer, with `edit` applied to its JSON.
std::string written(const report::Report& r) { return report::to_json_text(r); }

}  // namespace

TEST_CASE("a report with a duplicate case id is refused, naming the id", "[report][reliability]") {
  const auto text = written(with({measured("counters/a", 10), measured("counters/b", 10), measured("counters/a", 20)}));
  auto parsed = report::parse_report(text, "dup.json");
  REQUIRE_FALSE(parsed.ok());
  CHECK(parsed.error().describe() ==
        "dup.json: cases[2].id: duplicate case id 'counters/a' (also cases[0]); each case may appear once in a report");
}

TEST_CASE("an ok case without samples is refused", "[report][reliability]") {
  auto empty = measured("counters/a", 10);
  empty.metrics.front().samples.clear();
  auto parsed = report::parse_report(written(with({empty})), "empty.json");
  REQUIRE_FALSE(parsed.ok());
  CHECK_THAT(parsed.error().message, Catch::Contains("case 'counters/a' has status ok but no samples"));

  auto none = measured("counters/a", 10);
  none.metrics.clear();
  CHECK_FALSE(report::parse_report(written(with({none})), "none.json").ok());

  // Failed and skipped cases carry no samples, legitimately.
  auto failed = measured("counters/a", 10);
  failed.status = CaseStatus::failed;
  failed.reason = "boom";
  failed.metrics.clear();
  CHECK(report::parse_report(written(with({failed})), "failed.json").ok());
}

TEST_CASE("deeply nested JSON is refused before anything walks it", "[report][reliability]") {
  std::string text = written(with({measured("counters/a", 10)}));
  const std::string deep = std::string(100000, '[') + std::string(100000, ']');
  text.replace(text.find("\"settings\": {"), 13, "\"settings\": {\"x\": " + deep + ",");
  auto parsed = report::parse_report(text, "deep.json");
  REQUIRE_FALSE(parsed.ok());
  CHECK_THAT(parsed.error().message, Catch::Contains("nested more than 64 levels deep"));
}

TEST_CASE("a partial case round-trips; a complete one carries no partial field", "[report][reliability]") {
  auto cut = measured("counters/a", 10);
  cut.partial = true;
  const std::string text = written(with({cut, measured("counters/b", 10)}));
  CHECK(text.find("\"partial\": true") != std::string::npos);
  auto parsed = report::parse_report(text, "partial.json");
  REQUIRE(parsed.ok());
  CHECK(parsed->cases[0].partial);
  CHECK_FALSE(parsed->cases[1].partial);
  CHECK(written(with({measured("counters/b", 10)})).find("partial") == std::string::npos);
}

TEST_CASE("reports sharing no case, or too few, are refused", "[compare][reliability]") {
  const auto base = with({measured("counters/a", 10), measured("counters/b", 10), measured("counters/c", 10)});
  report::CompareOptions options;

  auto renamed = report::check_comparable(base, with({measured("counters/x", 10)}), options);
  REQUIRE_FALSE(renamed.ok());
  CHECK_THAT(renamed.error().message,
             Catch::StartsWith("BASE and HEAD share no case: BASE has 3 (counters/a, counters/b, counters/c), HEAD has "
                               "1 (counters/x)"));
  auto empty = report::check_comparable(base, with({}), options);
  REQUIRE_FALSE(empty.ok());
  CHECK_THAT(empty.error().message, Catch::Contains("HEAD has 0;"));
  auto no_base = report::check_comparable(with({}), base, options);
  REQUIRE_FALSE(no_base.ok());
  CHECK_THAT(no_base.error().message, Catch::StartsWith("BASE has no cases to compare"));

  // One of three matched: below half, refused unless --allow-missing.
  const auto one = with({measured("counters/a", 10)});
  auto few = report::check_comparable(base, one, options);
  REQUIRE_FALSE(few.ok());
  CHECK_THAT(few.error().message, Catch::StartsWith("only 1 of BASE's 3 cases are in HEAD (missing: counters/b, "
                                                    "counters/c)"));
  CHECK_THAT(few.error().message, Catch::Contains("--allow-missing"));
  options.allow_missing = true;
  CHECK(report::check_comparable(base, one, options).ok());
  // --allow-missing never lets nothing through.
  CHECK_FALSE(report::check_comparable(base, with({}), options).ok());

  // Two of three: enough.
  CHECK(report::check_comparable(base, with({measured("counters/a", 10), measured("counters/b", 10)}), {}).ok());
  // The filter decides which of BASE's cases count.
  report::CompareOptions filtered;
  filtered.filter = Pattern::compile("counters/a", "--filter").value();
  CHECK(report::check_comparable(base, one, filtered).ok());
}

TEST_CASE("the same metric in different units or directions is refused", "[compare][reliability]") {
  const auto base = with({measured("counters/a", 10, "us")});
  auto units = report::check_comparable(base, with({measured("counters/a", 10000, "ns")}), {});
  REQUIRE_FALSE(units.ok());
  CHECK_THAT(units.error().message,
             Catch::StartsWith("metric 'ns_per_op' of case 'counters/a' is in 'us' (lower is better) in BASE but in "
                               "'ns' (lower is better) in HEAD"));
  auto flipped = with({measured("counters/a", 10, "us")});
  flipped.cases[0].metrics[0].spec.better = Better::higher;
  CHECK_FALSE(report::check_comparable(base, flipped, {}).ok());
}

TEST_CASE("differences in how the runs were made are warnings", "[compare][reliability]") {
  auto base = with({measured("counters/a", 10)});
  auto head = with({measured("counters/a", 10)});
  CHECK(report::run_differences(base, head).empty());
  base.pairing = report::Pairing{"1", "head"};
  head.pairing = report::Pairing{"1", "head"};
  head.provenance.velo_version = "0.2.0";
  head.cases[0].details["profile"] = {{"folded", "x"}};
  head.cases[0].spec.settings.repetitions = 20;
  const auto warnings = report::run_differences(base, head);
  REQUIRE(warnings.size() == 4);
  CHECK_THAT(warnings[0], Catch::StartsWith("both reports are the 'head' side of a paired run"));
  CHECK_THAT(warnings[1], Catch::StartsWith("velo version differs: '0.1.0' (base) vs '0.2.0' (head)"));
  CHECK_THAT(warnings[2], Catch::StartsWith("only the head report was profiled"));
  CHECK(warnings[3] == "1 case ran a different number of repetitions in base and head (first: counters/a: 10 vs 20)");
  // They reach the comparison's warnings.
  const auto comparison = report::compare_reports(base, head, {});
  CHECK(std::count(comparison.warnings.begin(), comparison.warnings.end(), warnings[3]) == 1);
}

TEST_CASE("a scenario [gate] from a report: same rules as a gate file, patterns bounded", "[gate][reliability]") {
  report::GatePolicy policy;
  auto alpha = report::add_scenario_gate("s", nlohmann::json::parse(R"({"alpha": 0.01})"), policy);
  REQUIRE_FALSE(alpha.ok());
  CHECK_THAT(alpha.error().message, Catch::StartsWith("'alpha' cannot be set in a scenario's [gate]"));
  CHECK_THAT(alpha.error().message, !Catch::Contains("did you mean"));

  const std::string deep = std::string(20000, '(') + "a" + std::string(20000, ')');
  nlohmann::json table = {{"case", {{{"pattern", deep}, {"max_regression", "5%"}}}}};
  auto nested = report::add_scenario_gate("s", table, policy);
  REQUIRE_FALSE(nested.ok());
  CHECK_THAT(nested.error().message, Catch::Contains("the limit is 4096 bytes"));
}

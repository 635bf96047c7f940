// HTML reports (export/html_report.hpp): the page is self-contained, its data
// element holds exactly the report (or comparison) and reads back, hostile text in
// a report cannot end a <script> element, and the comparison data carries the ratio,
// its interval and the paired fork ratios. Rendering in a browser is
// tests/browser/render_reports.py's job.
#include <catch2/catch.hpp>
#include <fmt/format.h>

#include <cmath>
#include <string>

#include "../report/sample_report.hpp"
#include "export/html_assets.hpp"
#include "export/html_page.hpp"
#include "export/html_report.hpp"
#include "report/compare.hpp"
#include "report/gate.hpp"

namespace {

using namespace velo;
using nlohmann::json;

std::size_t count(const std::string& text, const std::string& needle) {
  std::size_t n = 0;
  for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + needle.size())) ++n;
  return n;
}

// The JSON of the page's data element.
json page_data(const std::string& page) {
  const std::string open = "<script type=\"application/json\" id=\"velo-data\">";
  const auto begin = page.find(open);
  REQUIRE(begin != std::string::npos);
  const auto end = page.find("</script>", begin);
  REQUIRE(end != std::string::npos);
  return json::parse(page.substr(begin + open.size(), end - begin - open.size()));
}

std::string lower(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

report::CaseResult timed_case(const std::string& id, std::vector<double> ns) {
  report::CaseResult c;
  c.spec.id = id;
  c.spec.family = "counters";
  c.spec.scenario = "s";
  c.spec.variant = id;
  c.spec.group = "";
  c.metrics.push_back(testing::make_metric(testing::runner_spec("ns_per_op"), std::move(ns)));
  return c;
}

report::Report report_of(std::vector<report::CaseResult> cases) {
  report::Report r;
  testing::fill_header(r);
  r.scenarios.push_back({.path = "s.toml", .name = "s", .family = "counters", .content_hash = "fnv1a64:1"});
  r.cases = std::move(cases);
  return r;
}

}  // namespace

TEST_CASE("every embedded asset is present and none can end its <script> element", "[html]") {
  std::vector<std::string> names;
  for (const auto& file : html_assets()) {
    names.emplace_back(file.name);
    CHECK_FALSE(file.content.empty());
    if (file.name != "page.html") {
      INFO(file.name);
      CHECK(lower(std::string(file.content)).find("</script") == std::string::npos);
    }
  }
  CHECK(names == std::vector<std::string>{"chart.min.js", "common.js", "compare.js", "history.js", "page.html", "run.js",
                                          "velo.css"});
}

TEST_CASE("a run page is one self-contained file whose data is the report", "[html]") {
  const auto report = testing::example_report();
  const exporter::NamedReport named{.source = "velo-report.json", .report = &report};
  const auto registry = testing::sample_families();
  const std::string page = exporter::run_html({&named, 1}, {.families = &registry});
  CHECK(page.rfind("<!DOCTYPE html>", 0) == 0);
  CHECK(page.find("Chart.js v3") != std::string::npos);  // inlined, not linked
  CHECK(page.find("src=\"http") == std::string::npos);
  CHECK(page.find("href=\"http") == std::string::npos);
  CHECK(page.find("{{VELO:") == std::string::npos);
  const json data = page_data(page);
  CHECK(data["kind"] == "run");
  REQUIRE(data["reports"].size() == 1);
  CHECK(data["reports"][0]["source"] == "velo-report.json");
  CHECK(data["reports"][0]["report"] == json::parse(report::to_json_text(report)));
  CHECK(data["families"]["counters"]["headline"][0] == "ns_per_op");
  CHECK(page.find("<title>velo report: velo-report.json</title>") != std::string::npos);
}

TEST_CASE("text from a report cannot close the data element or inject markup", "[html]") {
  auto report = testing::example_report();
  const std::string hostile = "</script><script>alert(1)</script><!-- </SCRIPT >";
  report.cases[2].reason = hostile;
  report.notes.push_back(hostile);
  const exporter::NamedReport named{.source = "<b>x</b>.json", .report = &report};
  const std::string page = exporter::run_html({&named, 1}, {});
  // Only the page's own five script elements close.
  CHECK(count(lower(page), "</script") == 5);
  const json data = page_data(page);
  CHECK(data["reports"][0]["report"]["cases"][2]["reason"] == hostile);
  CHECK(data["reports"][0]["source"] == "<b>x</b>.json");
  CHECK(page.find("<title>velo report: &lt;b&gt;x&lt;/b&gt;.json</title>") != std::string::npos);
}

TEST_CASE("script_safe_json reads back unchanged", "[html]") {
  const json value = {{"a", "<\u2028>"}, {"b", {1, 2.5, nullptr}}, {"c", "</script>"}};
  const std::string text = exporter::html::script_safe_json(value);
  CHECK(text.find('<') == std::string::npos);
  CHECK(json::parse(text) == value);
}

TEST_CASE("compare data: ratio of the medians and the interval the medians' intervals allow", "[html]") {
  const auto base = report_of({timed_case("a", testing::samples_around(100, 0.01)),
                               timed_case("b", testing::samples_around(100, 0.01))});
  const auto head = report_of({timed_case("a", testing::samples_around(150, 0.01)),
                               timed_case("b", testing::samples_around(100, 0.01))});
  const auto comparison = report::compare_reports(base, head, {});
  const json data = page_data(exporter::compare_html(comparison, base, head));
  CHECK(data["kind"] == "compare");
  const json& a = data["comparison"]["cases"][0]["metrics"]["ns_per_op"];
  const auto& mc = comparison.cases[0].metrics[0];
  CHECK(a["ratio"].get<double>() == Approx(1.5));
  CHECK(a["ratio_low"].get<double>() == Approx(mc.head.ci.low / mc.base.ci.high));
  CHECK(a["ratio_high"].get<double>() == Approx(mc.head.ci.high / mc.base.ci.low));
  CHECK(a["ratio_level"].get<double>() == Approx(mc.base.ci.level * mc.head.ci.level));
  CHECK(a["ratio_interval"] == "medians' intervals");
  CHECK(a["fork_ratios"].empty());
  CHECK(a["threshold"].get<double>() == Approx(0.01));  // the noise floor
  CHECK(a["verdict"] == "worse");
}

TEST_CASE("compare data of a paired run: one ratio per fork and the interval of their median", "[html]") {
  auto side = [](const std::string& role, double factor) {
    std::vector<double> ns;
    for (int k = 0; k < 10; ++k) ns.push_back(100 * (1 + 0.3 * std::sin(1.7 * k)) * factor);
    auto c = timed_case("x", ns);
    c.spec.settings.repetitions = 10;
    c.spec.settings.forks = 10;
    c.details["fork_repetitions"] = std::vector<int>(10, 1);
    auto r = report_of({c});
    r.pairing = report::Pairing{"r1", role};
    return r;
  };
  const auto base = side("base", 1.0);
  const auto head = side("head", 1.2);
  const auto comparison = report::compare_reports(base, head, {});
  REQUIRE(comparison.paired);
  const json data = page_data(exporter::compare_html(comparison, base, head));
  const json& m = data["comparison"]["cases"][0]["metrics"]["ns_per_op"];
  REQUIRE(m["fork_ratios"].size() == 10);
  for (const auto& r : m["fork_ratios"]) CHECK(r.get<double>() == Approx(1.2));
  CHECK(m["ratio_interval"] == "paired forks");
  CHECK(m["ratio_low"].get<double>() == Approx(1.2));
  CHECK(m["ratio_high"].get<double>() == Approx(1.2));
}

TEST_CASE("gate data: the verdict, the findings and each case's threshold", "[html]") {
  const auto base = report_of({timed_case("a", testing::samples_around(100, 0.01)),
                               timed_case("b", testing::samples_around(100, 0.01))});
  const auto head = report_of({timed_case("a", testing::samples_around(150, 0.01)),
                               timed_case("b", testing::samples_around(100, 0.01))});
  report::GatePolicy policy;
  policy.cli_max_regression = 0.2;
  const auto result = report::evaluate_gate(base, head, policy);
  REQUIRE_FALSE(result.passed());
  const json data = page_data(exporter::gate_html(result, policy, base, head));
  CHECK(data["kind"] == "gate");
  CHECK(data["gate"]["passed"] == false);
  CHECK(data["gate"]["regressions"] == 1);
  CHECK(data["gate"]["findings"][0]["id"] == "a");
  CHECK_FALSE(data["gate"].contains("comparison"));
  CHECK(data["comparison"]["cases"][0]["metrics"]["ns_per_op"]["threshold"].get<double>() == Approx(0.2));
  CHECK(data["gated_metrics"] == json{"ns_per_op"});
}

TEST_CASE("flame graphs: an unreadable folded file is named, not embedded", "[html]") {
  auto report = testing::example_report();
  report.cases[0].details["profile"] = {{"folded_file", "/nonexistent/velo-html-test.folded"}};
  exporter::HtmlOptions options;
  exporter::add_flamegraphs(report, options);
  CHECK(options.flamegraphs.empty());
  REQUIRE(options.flamegraph_problems.count(report.cases[0].spec.id) == 1);
  CHECK(options.flamegraph_problems.at(report.cases[0].spec.id).find("velo-html-test.folded") != std::string::npos);
}

TEST_CASE("history data: every point, each change at its commit, hostile case ids kept as text", "[html][history]") {
  history::AnalysedSeries a;
  a.series.key = {.machine = "m", .build = "b", .case_id = "</script><b>x", .metric = "ns_per_op"};
  a.series.unit = "ns";
  for (int i = 0; i < 12; ++i) {
    a.series.points.push_back({.report_id = i + 1,
                               .commit = fmt::format("c{:02}", i),
                               .started_at = fmt::format("2026-11-01T{:02}:00:00Z", i),
                               .median = i < 6 ? 100.0 : 110.0,
                               .samples = {i < 6 ? 99.0 : 109.0, i < 6 ? 101.0 : 111.0}});
  }
  a.analysed = true;
  a.changes = history::detect_changes(a.series.values(), {.permutations = 99, .significance = 0.05});
  REQUIRE(a.changes.size() == 1);
  history::AnalysedSeries flat;
  flat.series.key = {.machine = "m2", .build = "b", .case_id = "0/first", .metric = "ns_per_op"};
  flat.series.points.push_back({.commit = "only", .median = 5});
  const std::vector<history::AnalysedSeries> all = {a, flat};

  const std::string page = exporter::history_html(all, {.source = "h.db", .commit_url = "https://x.org/c/{commit}"});
  CHECK(count(lower(page), "</script") == 5);
  CHECK(page.find("<title>velo history: h.db</title>") != std::string::npos);
  const json data = page_data(page);
  CHECK(data["kind"] == "history");
  REQUIRE(data["series"].size() == 2);
  // Sorted by case: "0/first" before "</script>...".
  CHECK(data["series"][0]["case"] == "0/first");
  CHECK(data["series"][0]["analysed"] == false);
  CHECK(data["series"][0]["points"][0].contains("q1") == false);  // one sample: no quartiles
  const json& s = data["series"][1];
  CHECK(s["case"] == "</script><b>x");
  CHECK(s["points"].size() == 12);
  CHECK(s["points"][3]["q1"] == 99.5);
  CHECK(s["points"][3]["q3"] == 100.5);
  REQUIRE(s["changes"].size() == 1);
  CHECK(s["changes"][0]["index"] == 6);
  CHECK(s["changes"][0]["commit"] == "c06");
  CHECK(s["changes"][0]["previous_commit"] == "c05");
  CHECK(s["changes"][0]["verdict"] == "worse");
  CHECK(std::abs(s["changes"][0]["relative"].get<double>() - 0.10) < 1e-12);
  CHECK(data["machines"] == json{"m2", "m"});
  CHECK(s["machine"] == 1);
}

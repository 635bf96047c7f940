// Exporters against golden files (tests/data/export/), rendered from the fixed
// synthetic report in tests/report/sample_report.hpp, plus the rules behind them
// checked one by one. VELO_UPDATE_GOLDEN=1 rewrites the golden files; review the
// diff before committing it.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <fstream>
#include <regex>
#include <sstream>

#include "../report/sample_report.hpp"
#include "export/exporters.hpp"

namespace {

using velo::exporter::TableOptions;

std::string golden_path(const std::string& name) {
  return std::string(VELO_SOURCE_ROOT) + "/tests/data/export/" + name;
}

void check_golden(const std::string& name, const std::string& actual) {
  if (std::getenv("VELO_UPDATE_GOLDEN")) std::ofstream(golden_path(name), std::ios::binary) << actual;
  std::ifstream in(golden_path(name), std::ios::binary);
  REQUIRE(in.good());
  std::ostringstream expected;
  expected << in.rdbuf();
  INFO("golden file " << name << "; actual output:\n" << actual);
  CHECK(actual == expected.str());
}

const velo::Registry& families() {
  static const velo::Registry registry = velo::testing::sample_families();
  return registry;
}

TableOptions options(bool color = false) {
  TableOptions o;
  o.color = color;
  o.families = &families();
  return o;
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// The lines of `text` that contain `part`.
std::vector<std::string> lines_with(const std::string& text, const std::string& part) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (contains(line, part)) out.push_back(line);
  }
  return out;
}

}  // namespace

TEST_CASE("terminal table matches its golden file", "[export]") {
  check_golden("table.txt", velo::exporter::comparison_table(velo::testing::sample_report(), options()));
}

TEST_CASE("markdown matches its golden file", "[export]") {
  check_golden("table.md", velo::exporter::comparison_markdown(velo::testing::sample_report(), options()));
}

TEST_CASE("csv matches its golden file", "[export]") {
  check_golden("cases.csv", velo::exporter::cases_csv(velo::testing::sample_report()));
}

TEST_CASE("one table per maximal group; smaller groups join every table that contains them", "[export]") {
  const std::string table = velo::exporter::comparison_table(velo::testing::sample_report(), options());
  const std::vector<std::string> titles = {
      "counters (increments=100, threads=1)", "counters (increments=100, threads=2)",
      "mailbox (producers=1, wait=spin)", "mailbox (producers=1, wait=futex)", "mystery"};
  std::size_t at = 0;
  for (const auto& title : titles) {
    const std::size_t found = table.find("\n" + title + "\n", at == 0 ? 0 : at);
    INFO(title);
    CHECK((found != std::string::npos || table.rfind(title + "\n", 0) == 0));
    if (found != std::string::npos) at = found + 1;
  }
  CHECK_FALSE(contains(table, "mailbox (producers=1)\n"));
  // lockfree takes no `wait`: it is a row of both mailbox tables.
  CHECK(lines_with(table, "lockfree").size() == 2);
}

TEST_CASE("rows: baseline first, ratios worded by the metric's direction", "[export]") {
  const std::string table = velo::exporter::comparison_table(velo::testing::sample_report(), options());
  // ns_per_op is lower-is-better: 45.6 vs 12.4 -> 3.68x slower; 4.0 -> 3.10x faster.
  const auto mutex = lines_with(table, "  mutex ");
  REQUIRE_FALSE(mutex.empty());
  CHECK(contains(mutex[0], "3.68x slower"));
  CHECK(contains(lines_with(table, "sharded pad_bytes=128")[0], "3.10x faster"));
  CHECK(contains(lines_with(table, "  atomic ")[0], "baseline"));
  // mailbox's first headline metric is ops_per_s, higher-is-better: 80 ns vs 200 ns
  // per op is 2.50x faster; vs the futex baseline (350 ns) 4.38x faster.
  const auto lockfree = lines_with(table, "lockfree");
  CHECK(contains(lockfree[0], "2.50x faster"));
  CHECK(contains(lockfree[1], "4.38x faster"));
  // The baseline row comes first in every table although the report lists it anywhere.
  CHECK(table.find("  atomic ") < table.find("  mutex "));
}

TEST_CASE("unstable cells are marked and explained", "[export]") {
  const std::string table = velo::exporter::comparison_table(velo::testing::sample_report(), options());
  CHECK(contains(lines_with(table, "sharded pad_bytes=64")[0], " !"));
  CHECK_FALSE(contains(lines_with(table, "sharded pad_bytes=128")[0], "!"));
  CHECK(lines_with(table, "! unstable").size() == 1);  // only the table with an unstable row
}

TEST_CASE("threads apart and forks that disagree are marked and explained", "[export]") {
  auto report = velo::testing::sample_report();
  velo::report::CaseResult* apart = nullptr;
  velo::report::CaseResult* split = nullptr;
  for (auto& result : report.cases) {
    if (result.status != velo::report::CaseStatus::ok) continue;
    if (!apart && result.spec.variant == "mutex") apart = &result;
    if (!split && result.spec.variant == "lockfree") split = &result;
  }
  REQUIRE(apart);
  REQUIRE(split);
  apart->metrics.push_back(velo::testing::make_metric(velo::testing::runner_spec("overlap_pct"), {40, 50, 60}));
  split->details["fork_spread"] = {{"disagree", true}};
  CHECK(apart->threads_apart());
  CHECK_FALSE(apart->forks_disagree());
  CHECK(split->forks_disagree());
  const std::string table = velo::exporter::comparison_table(report, options());
  const std::string markdown = velo::exporter::comparison_markdown(report, options());
  for (const std::string* text : {&table, &markdown}) {
    CHECK(lines_with(*text, "mutex ~").size() == 1);
    CHECK(lines_with(*text, "~ threads apart").size() == 1);
    // The lockfree case takes no `threads`, so it joins two tables, each with the legend.
    CHECK(lines_with(*text, "lockfree ≠").size() == 2);
    CHECK(lines_with(*text, "≠ forks disagree").size() == 2);
  }
  // At 90% and above: not flagged.
  apart->metrics.back() = velo::testing::make_metric(velo::testing::runner_spec("overlap_pct"), {90, 95, 99});
  CHECK_FALSE(apart->threads_apart());
  CHECK(lines_with(velo::exporter::comparison_table(report, options()), "threads apart").empty());
}

TEST_CASE("failed rows: shortened in the terminal, in full in markdown", "[export]") {
  const auto report = velo::testing::sample_report();
  const std::string table = velo::exporter::comparison_table(report, options());
  const std::string markdown = velo::exporter::comparison_markdown(report, options());
  const auto spinlock = lines_with(table, "spinlock");
  REQUIRE(spinlock.size() == 1);
  CHECK(contains(spinlock[0], "failed: end_repetition: counter is 99"));
  CHECK(contains(spinlock[0], "…"));
  CHECK_FALSE(contains(table, "stderr: assertion failed"));
  CHECK(contains(markdown, "does not exclude concurrent writers<br>stderr: assertion failed"));
  CHECK(contains(table, "timeout: killed after 60s"));
  CHECK(contains(table, "skipped: needs at least 2 threads"));
}

TEST_CASE("details, notes and the incomplete marker", "[export]") {
  const auto report = velo::testing::sample_report();
  const std::string table = velo::exporter::comparison_table(report, options());
  // Two distinct layouts shared by both mailbox tables: printed once, under the first
  // (issue #21; TableOptions::details prints them under both).
  CHECK(lines_with(table, "slot layout: 1024 slots x 64 B").size() == 1);
  CHECK(lines_with(table, "slot layout: 1024 slots x 128 B").size() == 1);
  CHECK(contains(table, "note: hardware counters unavailable: perf_event_paranoid is 3"));
  CHECK(contains(table, "report incomplete (interrupted)"));

  // Details of a shape the family does not expect (an older report) are left out.
  auto odd = report;
  REQUIRE(odd.cases[9].spec.group == "producers=1,wait=spin");
  odd.cases[9].details = {{"unexpected", true}};
  const std::string odd_table = velo::exporter::comparison_table(odd, options());
  CHECK(lines_with(odd_table, "slot layout: 1024 slots x 64 B").size() == 1);
  CHECK(lines_with(odd_table, "slot layout: 1024 slots x 128 B").size() == 1);

  auto complete = report;
  complete.complete = true;
  complete.notes.clear();
  const std::string clean = velo::exporter::comparison_table(complete, options());
  CHECK_FALSE(contains(clean, "incomplete"));
  CHECK_FALSE(contains(clean, "note:"));
}

TEST_CASE("columns: headline metrics, explicit choice, or what was measured", "[export]") {
  const auto report = velo::testing::sample_report();
  const std::string table = velo::exporter::comparison_table(report, options());
  // mystery is not a registered family and has neither default headline metric.
  CHECK(contains(table, "bytes_per_s"));
  CHECK(contains(table, "12.5G B/s"));

  TableOptions only_p99 = options();
  only_p99.metrics = {"p99_latency_ns"};
  const std::string p99 = velo::exporter::comparison_table(report, only_p99);
  CHECK(contains(p99, "p99_latency_ns"));
  CHECK_FALSE(contains(p99, "ops_per_s"));
  CHECK(contains(lines_with(p99, "lockfree")[0], "1.67x faster"));  // 900 ns vs 1500 ns
  // A counters case has no p99 metric: "-", and no ratio can be formed.
  CHECK(contains(lines_with(p99, "  mutex ")[0], "-"));
}

TEST_CASE("colour only when asked, and it does not disturb alignment", "[export]") {
  const auto report = velo::testing::sample_report();
  const std::string plain = velo::exporter::comparison_table(report, options(false));
  const std::string colored = velo::exporter::comparison_table(report, options(true));
  CHECK_FALSE(contains(plain, "\x1b["));
  CHECK(contains(colored, "\x1b[32m3.10x faster\x1b[0m"));
  CHECK(contains(colored, "\x1b[31m3.68x slower\x1b[0m"));
  CHECK(contains(colored, "\x1b[33m"));
  const std::string stripped = std::regex_replace(colored, std::regex("\x1b\\[[0-9]+m"), "");
  CHECK(stripped == plain);
  // Markdown never has escape codes.
  CHECK_FALSE(contains(velo::exporter::comparison_markdown(report, options(true)), "\x1b["));
}

TEST_CASE("an empty report renders as nothing, not a crash", "[export]") {
  velo::report::Report empty;
  CHECK(velo::exporter::comparison_table(empty, options()).empty());
  CHECK(velo::exporter::comparison_markdown(empty, options()).empty());
  CHECK(velo::exporter::cases_csv(empty) ==
        "scenario,case_id,family,variant,impl,baseline,group,status,reason,metric,unit,better,"
        "n,median,mean,stddev,cv,min,max,ci_low,ci_high,ci_level\r\n");
}

TEST_CASE("csv quotes per RFC 4180", "[export]") {
  const std::string csv = velo::exporter::cases_csv(velo::testing::sample_report());
  // The reason has a newline: the field is quoted and the newline kept.
  CHECK(contains(csv, "\"end_repetition: counter is 99 after 100 increments (lost updates); the "
                      "variant's lock does not exclude concurrent writers\nstderr: assertion failed\""));
  // The group has commas: quoted.
  CHECK(contains(csv, ",\"increments=100,threads=1\","));
  // A skipped case has one row with empty metric fields.
  CHECK(contains(csv, "skipped,needs at least 2 threads,,,,,,,,,,,,,\r\n"));
  velo::report::Report quoted;
  quoted.cases.push_back(velo::testing::CaseBuilder("s", "f", "say \"hi\"", "i", "", {})
                             .id("").status(velo::report::CaseStatus::failed, "a, b").result);
  CHECK(contains(velo::exporter::cases_csv(quoted), ",\"say \"\"hi\"\"\",i,false,,failed,\"a, b\","));
}

// The terminal tables' rules from issue #21, one by one: a reason cut short in its row
// is printed in full under the table, each distinct details text (struct layouts) is
// printed once unless TableOptions::details, and a summary follows the tables. The
// golden file tests/data/export/table.txt shows all of it together.
#include <catch2/catch.hpp>

#include <fmt/format.h>

#include <string>

#include "../report/sample_report.hpp"
#include "export/exporters.hpp"
#include "export/show.hpp"
#include "export/table_summary.hpp"

namespace {

std::size_t count(const std::string& text, const std::string& needle) {
  std::size_t n = 0;
  for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + needle.size())) ++n;
  return n;
}

const velo::Registry& families() {
  static const velo::Registry registry = velo::testing::sample_families();
  return registry;
}

}  // namespace

TEST_CASE("a reason cut short in its row is printed in full under the table", "[table]") {
  const auto report = velo::testing::sample_report();
  const std::string text = velo::exporter::comparison_table(report, {.families = &families(), .details = true});
  const std::string brief = velo::exporter::comparison_table(report, {.families = &families()});
  CHECK(brief.find("reasons cut short above: velo run --details prints them in full") != std::string::npos);
  std::string full;
  for (const auto& c : report.cases) {
    if (c.spec.variant == "spinlock") full = c.reason;
  }
  REQUIRE(full.size() > 40);
  CHECK(text.find(full.substr(0, full.find('\n'))) != std::string::npos);  // the first line, whole
  CHECK(text.find("    stderr: assertion failed") != std::string::npos);    // the rest, indented under it
}

TEST_CASE("details shared by several tables are printed once unless asked for", "[table]") {
  const auto report = velo::testing::sample_report();
  const std::string once = velo::exporter::comparison_table(report, {.families = &families()});
  const std::string every = velo::exporter::comparison_table(report, {.families = &families(), .details = true});
  CHECK(count(once, "slot layout: 1024 slots x 64 B") == 1);
  CHECK(count(every, "slot layout: 1024 slots x 64 B") == 2);
  CHECK(once.find("details as under \"mailbox (producers=1, wait=spin)\" above") != std::string::npos);
  CHECK(every.find("details as under") == std::string::npos);
}

TEST_CASE("a summary names each table's fastest variant and the spread", "[table]") {
  const auto report = velo::testing::sample_report();
  const std::string text = velo::exporter::comparison_summary(report, {.families = &families()});
  const auto at = text.find("summary: the fastest variant of each table");
  REQUIRE(at != std::string::npos);
  const std::string summary = text.substr(at);
  // counters (increments=100, threads=1): sharded pad_bytes=128 at 4.00ns; mutex 45.6ns is 11.4x that.
  CHECK(summary.find("sharded pad_bytes=128") != std::string::npos);
  CHECK(summary.find("slowest mutex ×11.4") != std::string::npos);
}

TEST_CASE("velo show finds a case by its id or a unique part of it", "[show]") {
  const auto report = velo::testing::example_report();
  CHECK(velo::exporter::find_cases(report, report.cases[1].spec.id).size() == 1);
  CHECK(velo::exporter::find_cases(report, "padded").size() == 1);
  CHECK(velo::exporter::find_cases(report, "counters/").size() == 3);
  CHECK(velo::exporter::find_cases(report, "nothing").empty());
  const std::string text = velo::exporter::case_text(report, report.cases[2], &families());
  CHECK(text.find("skipped") != std::string::npos);
  CHECK(text.find("batch (256) exceeds increments (100)") != std::string::npos);
  const std::string overview = velo::exporter::report_overview_text(report, &families());
  for (const auto& c : report.cases) CHECK(overview.find(c.spec.id) != std::string::npos);
}

TEST_CASE("struct layouts are one line each unless details are asked for", "[table]") {
  velo::Registry registry;
  registry.add(velo::make_counters_family());
  velo::Family mailbox;
  mailbox.name = "mailbox";
  mailbox.metrics = {{"p99_latency_ns", "ns", velo::Better::lower, "99th percentile latency"}};
  mailbox.headline = {"ops_per_s", "p99_latency_ns"};
  mailbox.describe_details = [](const nlohmann::json& d) {
    const int bytes = d.at("slot_bytes").get<int>();
    return fmt::format(
        "{} slots\nstruct Slot<{}> {{\n\tuint64_t sequence;                       /*     0     8 */\n"
        "\tchar payload[{}];                       /*     8  {} */\n\n"
        "\t/* size: {}, cachelines: {}, members: 2 */\n\t/* sum members: {}, holes: 0, sum holes: 0 */\n}};\n",
        d.at("slots").get<int>(), bytes, bytes - 8, bytes - 8, bytes, bytes / 64, bytes);
  };
  registry.add(std::move(mailbox));
  const auto report = velo::testing::sample_report();
  const std::string brief = velo::exporter::comparison_table(report, {.families = &registry});
  const std::string full = velo::exporter::comparison_table(report, {.families = &registry, .details = true});
  // One line per distinct layout: its name and pahole's totals; the members only in full.
  CHECK(count(brief, "struct Slot<64>: size: 64, cachelines: 1, members: 2, sum members: 64, holes: 0, sum holes: 0") == 1);
  CHECK(count(brief, "uint64_t sequence;") == 0);
  CHECK(count(brief, "struct layouts in one line each: velo run --details prints every member") >= 1);
  CHECK(count(full, "struct Slot<64> {") >= 1);
  CHECK(count(full, "uint64_t sequence;") >= 1);
  CHECK(count(full, "struct layouts in one line each") == 0);
}

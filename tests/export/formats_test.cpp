// The format registry (export/formats.hpp): each command offers exactly the formats
// it always had, lookups are by what a format takes, and every format renders.
#include <catch2/catch.hpp>

#include "export/formats.hpp"
#include "../report/sample_report.hpp"

using namespace velo;
using exporter::Takes;

TEST_CASE("each command offers its formats from the registry", "[export][formats]") {
  const auto& formats = exporter::formats();
  using S = std::vector<std::string>;
  CHECK(formats.names(exporter::offered_by_run) == S{"table", "markdown", "csv", "json"});
  CHECK(formats.names(exporter::offered_by_compare) == S{"table", "markdown", "csv", "json"});
  CHECK(formats.names(exporter::offered_by_gate) == S{"text", "markdown", "json"});
  CHECK(formats.names(exporter::offered_by_export) == S{"markdown", "csv", "benchstat", "gbench", "speedscope", "pprof"});
  CHECK(formats.names(exporter::offered_by_export, Takes::folded) == S{"speedscope", "pprof"});
  CHECK(formats.names(exporter::offered_by_gate, Takes::history_gate) == S{"text", "markdown", "json"});
}

TEST_CASE("formats are found by name and by what they take", "[export][formats]") {
  const auto& formats = exporter::formats();
  REQUIRE(formats.find(Takes::report, "markdown") != nullptr);
  REQUIRE(formats.find(Takes::gate, "markdown") != nullptr);
  CHECK(formats.find(Takes::report, "markdown") != formats.find(Takes::gate, "markdown"));
  CHECK(formats.find(Takes::gate, "table") == nullptr);
  CHECK(formats.find(Takes::folded, "pprof")->binary);
  for (const auto& format : formats.all()) {
    INFO(format.name);
    CHECK_FALSE(format.doc.empty());
    CHECK(format.offered != 0);
  }
}

TEST_CASE("every report format renders the sample report", "[export][formats]") {
  const report::Report sample = testing::sample_report();
  static const Registry families = testing::sample_families();
  for (const auto& format : exporter::formats().all()) {
    if (format.takes != Takes::report) continue;
    INFO(format.name);
    const auto text = format.render({.report = &sample}, {.families = &families});
    REQUIRE(text.ok());
    CHECK_FALSE(text->empty());
  }
}

TEST_CASE("an unknown format is named with a suggestion", "[export][formats]") {
  const auto error = exporter::unknown_format("--format", "mardown", {"table", "markdown", "csv"});
  CHECK(error.describe() == "--format: unknown format 'mardown' (did you mean 'markdown'?); formats: table, markdown, csv");
}

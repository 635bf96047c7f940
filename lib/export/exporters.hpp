// Exporters turn a report into text in one format each; they return strings and
// never write files (the CLI writes them through core/atomic_file.hpp).
//   table.cpp     comparison tables for the terminal
//   markdown.cpp  the same tables as GitHub Markdown (CI job summaries)
//   csv.cpp       one row per case x metric, for spreadsheets and scripts
#pragma once

#include <string>
#include <vector>

#include "families/family.hpp"
#include "report/report.hpp"

namespace velo::exporter {

struct TableOptions {
  bool color = false;                // ANSI colour: green faster, red slower, yellow unstable
  std::vector<std::string> metrics;  // columns; empty = the family's headline metrics
  // Where families (headline metrics, describe_details) are looked up; nullptr =
  // velo::registry(). Tests pass their own.
  const Registry* families = nullptr;
  // Terminal tables: print per-case details (struct layouts) under every table they
  // belong to, and reasons cut short in a row in full under the table; by default each
  // distinct details text is printed once, under its first table.
  bool details = false;
};

std::string comparison_table(const report::Report& report, const TableOptions& options = {});
std::string comparison_markdown(const report::Report& report, const TableOptions& options = {});
std::string cases_csv(const report::Report& report);

}  // namespace velo::exporter

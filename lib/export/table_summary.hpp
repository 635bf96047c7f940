// The short summary printed after the terminal's comparison tables: per table, the
// fastest variant by the table's first metric and how far the slowest lies from it.
#pragma once

#include <string>
#include <vector>

#include "export/run_tables.hpp"

namespace velo::exporter {

// Empty when no table has two measured variants.
std::string tables_summary(const std::vector<ComparisonTable>& tables);
// The same for a report's tables (table.cpp): what velo run prints after them.
std::string comparison_summary(const report::Report& report, const TableOptions& options = {});

}  // namespace velo::exporter

// What the comparison and gate renderers (diff_*.cpp, gate_*.cpp) share: cell
// texts, row order, the footer naming the tests, and one line per gate finding.
// Internal to lib/export/.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "report/compare.hpp"
#include "report/gate.hpp"

namespace velo::exporter::detail {

using report::CaseComparison;
using report::Comparison;
using report::MetricComparison;
using report::Presence;
using report::Verdict;

std::string value_with_spread(const stats::Summary& s);
// A count per op in full, up to three decimals: 1234.5, 52.013 (exact counts, docs/deterministic.md).
std::string format_count(double value);
// The base or head cell of a row: the exact count when the comparison is of exact
// counts, else the median with its spread.
std::string value_cell(const report::MetricComparison& mc, const stats::Summary& s);
// The p column: "exact" for exact counts, "exact/rep" for counts compared repetition
// by repetition (Test::exact_by_repetition), else the adjusted p-value.
std::string p_cell(const report::MetricComparison& mc);
std::string verdict_text(const report::MetricComparison& mc);
// The footer line naming the tests used, e.g. "two-sided Mann-Whitney U, holm-corrected across cases".
std::string test_description(const report::Comparison& comparison);
// Rows of one metric across cases, in report order or by size of change.
std::vector<std::pair<const report::CaseComparison*, const report::MetricComparison*>> rows_for(
    const report::Comparison& comparison, const std::string& metric, bool sort_by_delta);
std::vector<std::string> metric_names(const report::Comparison& comparison);
const report::GeometricMean* geomean_of(const report::Comparison& comparison, const std::string& metric);
std::string status_lines(const report::Comparison& comparison);
std::string underpowered_note(const report::Comparison& comparison, const std::string& metric);
std::string finding_line(const report::GateFinding& f);

}  // namespace velo::exporter::detail

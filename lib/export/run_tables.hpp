// The content of the comparison tables, computed once and rendered by table.cpp
// (terminal) and markdown.cpp: which tables exist, which rows each has, the text
// of every cell. Renderers only lay it out.
//
// One table per (scenario, maximal group): Case::group is the scenario-level
// parameter point ("increments=100,threads=2"). A case whose implementation does
// not take one of those parameters has a smaller group ("threads=2"); it belongs to
// every table whose group contains all its pairs, and no table is made for it alone.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "export/exporters.hpp"

namespace velo::exporter {

// How a renderer may colour a cell.
enum class Tone { plain, faster, slower, unstable };

struct MetricCell {
  std::string value;     // "12.3ns", "81.3M op/s", or "-" when not measured
  std::string interval;  // "± 1.2%": CI half-width relative to the median; empty when absent
  bool unstable = false; // coefficient of variation above stats::kUnstableCv
};

struct ComparisonRow {
  const report::CaseResult* result = nullptr;
  std::string label;  // the variant, plus its own parameters when a label repeats
  bool baseline = false;
  bool ok = false;
  std::string status;  // not ok: "failed: <reason>" (full text; renderers may shorten)
  std::vector<MetricCell> cells;  // one per column
  bool threads_apart = false;   // CaseResult::threads_apart(): label marked kThreadsApartMark
  bool forks_disagree = false;  // CaseResult::forks_disagree(): label marked kForksDisagreeMark
  std::string ratio;   // "3.20x faster", "baseline", "-"
  Tone ratio_tone = Tone::plain;
};

struct ComparisonTable {
  std::string title;  // "counters (increments=100, threads=2)"
  std::vector<MetricSpec> columns;
  std::vector<ComparisonRow> rows;  // baseline first, then scenario order
  std::vector<std::string> details;  // distinct describe_details() texts of the rows
  bool any_unstable = false;
  bool any_threads_apart = false;
  bool any_forks_disagree = false;
  bool any_interval = false;
  bool any_low_coverage = false;  // some interval covers less than 95% (few repetitions)
};

std::vector<ComparisonTable> build_comparison(const report::Report& report,
                                              const TableOptions& options);

// Lines printed after all tables: legends for the intervals, the report's notes
// and, last, kIncompleteLine when the run was interrupted.
std::vector<std::string> closing_lines(const report::Report& report,
                                       const std::vector<ComparisonTable>& tables);

inline constexpr std::string_view kUnstableLegend =
    "! unstable: coefficient of variation above 5%; the median may not repeat";
inline constexpr std::string_view kThreadsApartMark = " ~";
inline constexpr std::string_view kThreadsApartLegend =
    "~ threads apart: its threads ran together for less than 90% of each round (overlap_pct); the figure may "
    "describe fewer threads at once";
inline constexpr std::string_view kForksDisagreeMark = " ≠";
inline constexpr std::string_view kForksDisagreeLegend =
    "≠ forks disagree: the worker processes' medians lie more than 5 within-fork MADs apart (details.fork_spread)";
inline constexpr std::string_view kIntervalLegend =
    "±: half-width of the median's 95% confidence interval, relative to the median";
inline constexpr std::string_view kIncompleteLine = "report incomplete (interrupted)";
inline constexpr std::string_view kLowCoverageLegend =
    "with fewer than 6 repetitions the interval is min..max and covers less than 95%";

}  // namespace velo::exporter

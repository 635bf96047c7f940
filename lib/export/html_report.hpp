// Self-contained HTML reports: one file that renders in any current browser with no
// network access (so a CI job can keep it as an artifact). The page carries
//   - its data as JSON in a <script type="application/json" id="velo-data"> element,
//     so it can be re-rendered or scraped (the report itself, verbatim, for runs);
//   - Chart.js (Debian's libjs-chart.js, MIT), inlined at build time;
//   - velo's own page script (lib/export/html/*.js), which draws the tables, the
//     charts and the cache-line diagrams from that JSON.
// docs/reports.md says what each chart shows. Like every exporter these functions
// return text and never write files; the CLI writes them with write_file_atomically.
#pragma once

#include <map>
#include <span>
#include <string>

#include "families/family.hpp"
#include "history/changes.hpp"
#include "report/compare.hpp"
#include "report/gate.hpp"
#include "report/report.hpp"

namespace velo::exporter {

struct HtmlOptions {
  std::string title;  // empty: a title naming the kind of report
  // Where families (headline metrics, parameter types) are looked up; nullptr =
  // velo::registry().
  const Registry* families = nullptr;
  // Case id -> flame graph SVG (velo's own, flamegraph_svg.hpp) to embed under the
  // case, and case id -> why a profiled case's graph is not embedded; see
  // add_flamegraphs() below.
  std::map<std::string, std::string> flamegraphs;
  std::map<std::string, std::string> flamegraph_problems;
};

struct NamedReport {
  std::string source;  // the file it was read from, shown as the section title
  const report::Report* report = nullptr;
};

// A run (or several): per scenario and parameter point the table and its charts.
std::string run_html(std::span<const NamedReport> reports, const HtmlOptions& options = {});
// `velo compare`: ratio head/base per case with its interval, the noise floor drawn.
std::string compare_html(const report::Comparison& comparison, const report::Report& base,
                         const report::Report& head, const HtmlOptions& options = {});
// `velo gate`: the verdict on top, then the comparison with each case's threshold.
std::string gate_html(const report::GateResult& result, const report::GatePolicy& policy,
                      const report::Report& base, const report::Report& head, const HtmlOptions& options = {});

// Adds the flame graphs of a report's profiled cases (details.profile.folded_file,
// read relative to the current directory, as velo run wrote it) to `options`,
// rendered by flamegraph_svg(). A folded file that cannot be read, or a graph larger
// than kMaxEmbeddedFlamegraphBytes, is left out and its reason recorded in
// options.flamegraph_problems: the page says the graph is missing and why.
inline constexpr std::size_t kMaxEmbeddedFlamegraphBytes = std::size_t{4} << 20;
void add_flamegraphs(const report::Report& report, HtmlOptions& options);

struct HistoryHtmlOptions {
  std::string title;       // empty: "velo history: <source>"
  std::string source;      // the database, as shown on the page (never a password)
  // A link for each commit: "https://github.com/org/repo/commit/{commit}"; empty:
  // commits are shown as text. The caller checks it (http or https, one {commit}).
  std::string commit_url;
  // What was selected and how changes were detected, shown on the page.
  std::string case_filter;
  std::vector<std::string> metrics;
  std::string branch;
  history::EDivisiveOptions detector;
  double level = 0.95;
};

// `velo history html`: one trend chart per series (case, metric, machine, build):
// each commit's median with its interquartile range, the level of each segment
// between change points, the change points marked and listed with their magnitude,
// interval and p-value, and commits linked when options.commit_url is set.
std::string history_html(std::span<const history::AnalysedSeries> series, const HistoryHtmlOptions& options);

}  // namespace velo::exporter

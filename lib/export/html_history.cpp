// `velo history html`: trend charts of the history's series, one per case, machine,
// build and metric, with the change points `velo history changes` finds marked on
// them. The page's data is built here (every point's median and interquartile range,
// every change with its interval and p-value); lib/export/html/history.js draws it
// with the same chart helper as the run and compare pages.
#include <fmt/format.h>

#include <algorithm>
#include <tuple>

#include "export/html_page.hpp"
#include "export/html_report.hpp"
#include "stats/summary.hpp"

namespace velo::exporter {

namespace {

nlohmann::json optional_number(const std::optional<double>& value) {
  return value ? nlohmann::json(*value) : nlohmann::json(nullptr);
}

nlohmann::json point_json(const history::SeriesPoint& p) {
  nlohmann::json out = {{"commit", p.commit}, {"started_at", p.started_at}, {"branch", p.branch},
                        {"median", p.median}, {"n", p.samples.size()}};
  if (p.samples.size() >= 2) {
    std::vector<double> samples = p.samples;
    std::sort(samples.begin(), samples.end());
    out["q1"] = stats::quantile(samples, 0.25);
    out["q3"] = stats::quantile(samples, 0.75);
  }
  return out;
}

nlohmann::json change_json(const history::AnalysedSeries& a, const history::DetectedChange& c) {
  const history::Series& s = a.series;
  nlohmann::json out = {
      {"index", c.point.index},
      {"commit", s.points[c.point.index].commit},
      {"previous_commit", s.points[c.point.index - 1].commit},
      {"started_at", s.points[c.point.index].started_at},
      {"before", c.shift.before},
      {"after", c.shift.after},
      {"relative", optional_number(c.shift.relative)},
      {"p_value", c.point.p_value},
      {"verdict", c.shift.relative ? std::string(history::change_verdict(*c.shift.relative, s.better)) : "n/a"},
  };
  if (c.shift.relative_ci) out["relative_ci"] = {c.shift.relative_ci->low, c.shift.relative_ci->high};
  return out;
}

// Index of `key` in `keys`, adding it when new: machines and builds are listed once.
std::size_t intern(std::vector<std::string>& keys, const std::string& key) {
  const auto it = std::find(keys.begin(), keys.end(), key);
  if (it != keys.end()) return static_cast<std::size_t>(it - keys.begin());
  keys.push_back(key);
  return keys.size() - 1;
}

}  // namespace

std::string history_html(std::span<const history::AnalysedSeries> series, const HistoryHtmlOptions& options) {
  // Grouped by case on the page: case, metric, then machine and build.
  std::vector<const history::AnalysedSeries*> order;
  for (const history::AnalysedSeries& a : series) order.push_back(&a);
  std::stable_sort(order.begin(), order.end(), [](const auto* x, const auto* y) {
    const history::SeriesKey& a = x->series.key;
    const history::SeriesKey& b = y->series.key;
    return std::tie(a.case_id, a.metric, a.machine, a.build) < std::tie(b.case_id, b.metric, b.machine, b.build);
  });
  std::vector<std::string> machines, builds;
  nlohmann::json out = nlohmann::json::array();
  for (const history::AnalysedSeries* each : order) {
    const history::AnalysedSeries& a = *each;
    const history::Series& s = a.series;
    nlohmann::json points = nlohmann::json::array();
    for (const history::SeriesPoint& p : s.points) points.push_back(point_json(p));
    nlohmann::json changes = nlohmann::json::array();
    for (const history::DetectedChange& c : a.changes) changes.push_back(change_json(a, c));
    out.push_back({{"case", s.key.case_id},
                   {"metric", s.key.metric},
                   {"unit", s.unit},
                   {"better", std::string(to_string(s.better))},
                   {"machine", intern(machines, s.key.machine)},
                   {"build", intern(builds, s.key.build)},
                   {"analysed", a.analysed},
                   {"points", std::move(points)},
                   {"changes", std::move(changes)}});
  }
  const history::EDivisiveOptions& d = options.detector;
  std::string title = options.title.empty() ? fmt::format("velo history: {}", options.source) : options.title;
  nlohmann::json data = {
      {"kind", "history"},
      {"title", title},
      {"source", options.source},
      {"commit_url", options.commit_url.empty() ? nlohmann::json(nullptr) : nlohmann::json(options.commit_url)},
      {"selection", {{"case", options.case_filter}, {"metrics", options.metrics}, {"branch", options.branch}}},
      {"detector",
       {{"method", "E-Divisive Means"},
        {"significance", d.significance},
        {"permutations", d.permutations},
        {"min_segment", d.min_segment},
        {"alpha", d.alpha},
        {"seed", d.seed},
        {"level", options.level}}},
      {"machines", machines},
      {"builds", builds},
      {"series", std::move(out)},
  };
  return html::page("history", title, data);
}

}  // namespace velo::exporter

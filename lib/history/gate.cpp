#include "history/gate.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

#include <map>
#include <utility>

#include "history/series.hpp"
#include "stats/summary.hpp"

namespace velo::history {

std::string_view to_string(HistoryVerdict verdict) {
  switch (verdict) {
    case HistoryVerdict::pass: return "pass";
    case HistoryVerdict::regression: return "regression";
    case HistoryVerdict::improvement: return "improvement";
    case HistoryVerdict::insufficient_history: return "insufficient history";
  }
  return "?";
}

HistoryJudgement judge_against_history(std::span<const double> history, double head, Better better,
                                       const HistoryGateOptions& options) {
  HistoryJudgement j;
  j.head = head;
  std::span<const double> recent = history.size() > options.window ? history.last(options.window) : history;
  const auto changes = e_divisive(recent, options.detector);
  if (!changes.empty()) recent = recent.subspan(changes.back().index);
  j.points = recent.size();
  if (recent.size() < options.min_points) return j;

  j.center = stats::median(recent);
  std::vector<double> deviations;
  for (double x : recent) deviations.push_back(std::fabs(x - j.center));
  j.spread = std::max(1.4826 * stats::median(deviations), options.min_spread * std::fabs(j.center));
  if (j.center == 0 || j.spread == 0) {
    j.verdict = HistoryVerdict::insufficient_history;  // no scale to judge against
    return j;
  }
  j.relative = head / j.center - 1;
  const double sign = better == Better::lower ? 1.0 : -1.0;
  j.sigmas = sign * (head - j.center) / j.spread;
  const double worse_by = sign * j.relative;
  // Outside what the recent commits show: beyond the worst (best) of them too, so a
  // series whose noise has heavy tails is judged by the excursions it really has.
  const auto [low, high] = std::minmax_element(recent.begin(), recent.end());
  const bool beyond_worst = better == Better::lower ? head > *high : head < *low;
  const bool beyond_best = better == Better::lower ? head < *low : head > *high;
  j.beyond_range = beyond_worst || beyond_best;
  const bool worse = j.sigmas > options.sigmas && worse_by > options.min_change && (beyond_worst || !options.range);
  const bool better_ = j.sigmas < -options.sigmas && worse_by < -options.min_change && (beyond_best || !options.range);
  if (worse) j.verdict = HistoryVerdict::regression;
  else if (better_) j.verdict = HistoryVerdict::improvement;
  else j.verdict = HistoryVerdict::pass;
  return j;
}

Expected<HistoryGateResult> gate_against_history(Store& store, const report::Report& head,
                                                 const HistoryGateRequest& request) {
  HistoryGateResult result;
  result.options = request.options;
  result.branch = request.branch;
  result.machine = machine_key(head.environment);
  result.build = build_key(head.environment);
  result.head_commit = commit_of(head);
  const std::vector<std::string> metrics =
      request.metrics.empty() ? std::vector<std::string>{"ns_per_op"} : request.metrics;
  SeriesQuery query;
  query.metrics = metrics;
  query.machine = result.machine;
  query.build = result.build;
  if (!request.branch.empty()) query.branch = request.branch;
  auto series = store.series(query);
  if (!series.ok()) return series.error();
  std::map<std::pair<std::string, std::string>, const Series*> by_case;
  for (const auto& s : *series) by_case[{s.key.case_id, s.key.metric}] = &s;

  for (const auto& c : head.cases) {
    if (c.status != report::CaseStatus::ok) continue;
    if (request.filter && !request.filter->search(c.spec.id)) continue;
    for (const auto& metric : metrics) {
      const report::MetricResult* m = c.find_metric(metric);
      if (m == nullptr || m->samples.empty()) continue;
      std::vector<double> past;
      if (auto it = by_case.find({c.spec.id, metric}); it != by_case.end()) {
        for (const auto& p : it->second->points) {
          // HEAD itself may already be stored: it is not its own history.
          if (p.commit == result.head_commit && p.started_at == head.started_at) continue;
          past.push_back(p.median);
        }
      }
      HistoryGateRow row{.case_id = c.spec.id, .metric = metric, .unit = m->spec.unit, .better = m->spec.better};
      row.judgement = judge_against_history(past, stats::median(m->samples), m->spec.better, request.options);
      switch (row.judgement.verdict) {
        case HistoryVerdict::insufficient_history: ++result.unjudged; break;
        case HistoryVerdict::regression: ++result.judged, ++result.regressions; break;
        case HistoryVerdict::improvement: ++result.judged, ++result.improvements; break;
        case HistoryVerdict::pass: ++result.judged; break;
      }
      result.rows.push_back(std::move(row));
    }
  }
  return result;
}

}  // namespace velo::history

#include "history/gate.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

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
  if (j.sigmas > options.sigmas && worse_by > options.min_change) j.verdict = HistoryVerdict::regression;
  else if (j.sigmas < -options.sigmas && worse_by < -options.min_change) j.verdict = HistoryVerdict::improvement;
  else j.verdict = HistoryVerdict::pass;
  return j;
}

}  // namespace velo::history

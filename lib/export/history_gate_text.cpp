// `velo gate --history` on a terminal: one line per judged series and the verdict.
#include <fmt/format.h>

#include "export/history_gate.hpp"

namespace velo::exporter {

std::string history_gate_text(const history::HistoryGateResult& result) {
  std::string out = fmt::format("HEAD {} ({}) against the history of {} in {}\n", result.head_name,
                                result.head_commit.substr(0, 12),
                                result.branch.empty() ? "every branch" : "branch " + result.branch, result.db);
  for (const auto& row : result.rows) {
    const history::HistoryJudgement& j = row.judgement;
    if (j.verdict == history::HistoryVerdict::insufficient_history) {
      out += fmt::format("  {:<12} {} {}: {} of the {} points needed\n", "no verdict", row.case_id, row.metric,
                         j.points, result.options.min_points);
      continue;
    }
    out += fmt::format("  {:<12} {} {}: {:.6g} vs {:.6g} +- {:.3g} {} over {} commits: {:+.2f}%, {:+.1f} sigma{}\n",
                       to_string(j.verdict), row.case_id, row.metric, j.head, j.center, j.spread, row.unit, j.points,
                       j.relative * 100, j.sigmas, j.beyond_range ? ", outside their range" : "");
  }
  out += fmt::format("{} regression(s) among {} judged series; {} without enough history\n", result.regressions,
                     result.judged, result.unjudged);
  return out;
}

}  // namespace velo::exporter

// `velo gate --history --summary FILE` (or --format markdown): a CI step summary or
// pull-request comment. Regressions and improvements are listed; series that
// passed are counted, and those without enough history are named in a closed block.
#include <fmt/format.h>

#include "export/history_gate.hpp"

namespace velo::exporter {

namespace {

// A cell's text: '|' would end the cell, a newline the row.
std::string cell(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '|') out += "\\|";
    else if (c == '\n' || c == '\r') out += ' ';
    else out += c;
  }
  return out;
}

}  // namespace

std::string history_gate_markdown(const history::HistoryGateResult& result) {
  using history::HistoryVerdict;
  const auto& o = result.options;
  std::string out = fmt::format("## velo gate --history: {}\n\n", result.passed() ? "passed ✅" : "failed ❌");
  out += fmt::format(
      "HEAD `{}` (`{}`) against the last {} commits of {} on the same machine and build: {} regression(s), "
      "{} improvement(s) among {} judged series; {} without enough history.\n\n",
      cell(result.head_name), cell(result.head_commit.substr(0, 12)), o.window,
      result.branch.empty() ? "every branch" : "`" + cell(result.branch) + "`", result.regressions,
      result.improvements, result.judged, result.unjudged);
  std::string rows;
  for (const auto& row : result.rows) {
    const auto& j = row.judgement;
    if (j.verdict != HistoryVerdict::regression && j.verdict != HistoryVerdict::improvement) continue;
    rows += fmt::format("| {} | `{}` | {} | {:.6g} {} | {:.6g} ± {:.3g} | **{:+.2f}%** | {:+.1f} | {} |\n",
                        j.verdict == HistoryVerdict::regression ? "regression" : "improvement", cell(row.case_id),
                        cell(row.metric), j.head, cell(row.unit), j.center, j.spread, j.relative * 100, j.sigmas,
                        j.points);
  }
  if (!rows.empty()) {
    out += "| verdict | case | metric | HEAD | history (median ± spread) | change | sigmas | commits |\n";
    out += "|---|---|---|---:|---:|---:|---:|---:|\n" + rows + "\n";
  }
  if (result.unjudged > 0) {
    out += fmt::format("<details><summary>{} series without enough history (fewer than {} points)</summary>\n\n",
                       result.unjudged, o.min_points);
    for (const auto& row : result.rows) {
      if (row.judgement.verdict != HistoryVerdict::insufficient_history) continue;
      out += fmt::format("- `{}` {}: {} point(s)\n", cell(row.case_id), cell(row.metric), row.judgement.points);
    }
    out += "\n</details>\n\n";
  }
  out += fmt::format(
      "Flagged: beyond {} spreads (1.4826 × MAD) of the history's median after its last change point, beyond "
      "every point of it{}, and by more than {:.1f}%.\n",
      o.sigmas, o.range ? "" : " (not required: --no-range)", o.min_change * 100);
  return out;
}

}  // namespace velo::exporter

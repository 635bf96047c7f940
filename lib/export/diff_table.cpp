// `velo compare --format table`: one table per metric for the terminal.
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <map>

#include "core/text.hpp"
#include "export/run_tables.hpp"
#include "export/diff.hpp"
#include "export/diff_parts.hpp"
#include "export/text_table.hpp"

namespace velo::exporter {

using namespace detail;  // the shared pieces, and report's comparison types

std::string diff_table(const Comparison& comparison, const DiffOptions& options) {
  std::string out;
  for (const auto& warning : comparison.warnings) out += fmt::format("warning: {}\n", warning);
  if (!comparison.warnings.empty()) out += '\n';
  const double alpha = comparison.options.alpha;
  for (const auto& metric : metric_names(comparison)) {
    const auto rows = rows_for(comparison, metric, options.sort_by_delta);
    const auto& spec = rows.front().second->spec;
    out += fmt::format("{} ({}, {} is better)\n", metric, spec.unit, to_string(spec.better));
    TextTable table({"case", "base", "head", "delta", "p", "verdict"}, {false, true, true, true, true, false});
    bool any_unstable = false, any_apart = false, any_disagree = false;
    for (const auto& [cc, mc] : rows) {
      std::string mark = mc->unstable ? " !" : "";
      if (cc->threads_apart) mark += exporter::kThreadsApartMark;
      if (cc->forks_disagree) mark += exporter::kForksDisagreeMark;
      any_unstable |= mc->unstable;
      any_apart |= cc->threads_apart;
      any_disagree |= cc->forks_disagree;
      std::string verdict = verdict_text(*mc);
      if (options.color && mc->verdict != Verdict::same) {
        verdict = fmt::format("\033[{}m{}\033[0m", mc->verdict == Verdict::worse ? 31 : 32, verdict);
      }
      table.add({cc->id + mark, value_cell(*mc, mc->base), value_cell(*mc, mc->head),
                 mc->verdict == Verdict::same ? "~" : format_delta(mc->delta),
                 p_cell(*mc), verdict});
    }
    if (const auto* gm = geomean_of(comparison, metric)) {
      table.add({fmt::format("geomean ({} cases)", gm->cases), "", "", format_delta(gm->ratio - 1), "", ""});
    }
    out += table.render();
    if (any_unstable) out += "! unstable: coefficient of variation above 5% in base or head\n";
    if (any_apart) out += fmt::format("{} (base or head)\n", exporter::kThreadsApartLegend);
    if (any_disagree) out += fmt::format("{} (base or head)\n", exporter::kForksDisagreeLegend);
    out += underpowered_note(comparison, metric);
    out += '\n';
  }
  out += fmt::format("p: {}; alpha {}, changes under {} are ~\n", test_description(comparison), alpha,
                     format_delta(comparison.options.min_change).substr(1));
  out += status_lines(comparison);
  return out;
}

}  // namespace velo::exporter

// `velo compare --format markdown`: the comparison as GitHub Markdown.
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

std::string diff_markdown(const Comparison& comparison, const DiffOptions& options) {
  std::string out;
  for (const auto& warning : comparison.warnings) out += fmt::format("> **warning:** {}\n", warning);
  if (!comparison.warnings.empty()) out += '\n';
  for (const auto& metric : metric_names(comparison)) {
    const auto rows = rows_for(comparison, metric, options.sort_by_delta);
    const auto& spec = rows.front().second->spec;
    out += fmt::format("### {} ({}, {} is better)\n\n", metric, spec.unit, to_string(spec.better));
    out += "| case | base | head | delta | p | verdict |\n|:--|--:|--:|--:|--:|:--|\n";
    for (const auto& [cc, mc] : rows) {
      std::string mark = mc->unstable ? " ⚠" : "";
      if (cc->threads_apart) mark += exporter::kThreadsApartMark;
      if (cc->forks_disagree) mark += exporter::kForksDisagreeMark;
      out += fmt::format("| `{}`{} | {} | {} | {} | {} | {} |\n", cc->id, mark,
                         value_cell(*mc, mc->base), value_cell(*mc, mc->head),
                         mc->verdict == Verdict::same ? "~" : format_delta(mc->delta),
                         p_cell(*mc), verdict_text(*mc));
    }
    if (const auto* gm = geomean_of(comparison, metric)) {
      out += fmt::format("| **geomean** ({} cases) | | | {} | | |\n", gm->cases, format_delta(gm->ratio - 1));
    }
    out += '\n';
    if (auto note = underpowered_note(comparison, metric); !note.empty()) out += note + '\n';
  }
  if (auto statuses = status_lines(comparison); !statuses.empty()) out += "```\n" + statuses + "```\n";
  return out;
}

}  // namespace velo::exporter

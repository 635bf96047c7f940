// `velo gate --format markdown` and `--summary`: a CI step summary or PR comment.
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

std::string gate_markdown(const report::GateResult& result) {
  using report::FindingKind;
  std::string out = fmt::format("## velo gate: {}\n\n", result.passed() ? "passed ✅" : "failed ❌");
  for (const auto& warning : result.comparison.warnings) out += fmt::format("> **warning:** {}\n", warning);
  if (!result.comparison.warnings.empty()) out += '\n';
  auto section = [&](const char* title, auto predicate) {
    std::string rows;
    for (const auto& f : result.findings) {
      if (!predicate(f.kind)) continue;
      if (f.metric.empty()) {
        rows += fmt::format("| `{}` | | | | {} |\n", f.id, f.kind == FindingKind::broke ? f.reason : std::string(to_string(f.kind)));
      } else if (f.exact) {
        // Counts repeat exactly: show them in full, since a 0.5% change hides in 3 digits.
        rows += fmt::format("| `{}` | {} | {} → {} {} | **{}** | limit {} ({}), exact counts{} |\n", f.id, f.metric,
                            format_count(f.base_median), format_count(f.head_median), f.unit, format_delta(f.delta),
                            format_delta(f.threshold).substr(1), f.threshold_origin,
                            f.by_repetition ? " repetition by repetition (medians shown)" : "");
      } else {
        rows += fmt::format("| `{}` | {} | {} → {} {} | **{}** | limit {} ({}), p={} |\n", f.id, f.metric,
                            format_si(f.base_median), format_si(f.head_median), f.unit, format_delta(f.delta),
                            format_delta(f.threshold).substr(1), f.threshold_origin, format_significant(f.p_adjusted, 2));
      }
    }
    if (rows.empty()) return;
    out += fmt::format("### {}\n\n| case | metric | change | delta | |\n|:--|:--|--:|--:|:--|\n{}\n", title, rows);
  };
  section("Regressions", [](FindingKind k) { return k == FindingKind::regression || k == FindingKind::broke; });
  section("Improvements", [](FindingKind k) { return k == FindingKind::improvement; });
  section("Added and removed cases", [](FindingKind k) { return k == FindingKind::added || k == FindingKind::removed; });
  out += fmt::format("{} unchanged (case, metric) pairs{}.\n", result.unchanged,
                     result.underpowered ? fmt::format(", {} of them with too few samples to ever be significant",
                                                       result.underpowered) : "");
  const auto& o = result.comparison.options;
  out += fmt::format("\n<sub>{}, alpha {}.</sub>\n", test_description(result.comparison), o.alpha);
  return out;
}

}  // namespace velo::exporter

// `velo gate` (text): one line per finding and the verdict.
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

std::string gate_text(const report::GateResult& result, bool color) {
  using report::FindingKind;
  std::string out;
  for (const auto& warning : result.comparison.warnings) out += fmt::format("warning: {}\n", warning);
  for (const auto& f : result.findings) {
    std::string label(to_string(f.kind));
    if (color && (f.kind == FindingKind::regression || f.kind == FindingKind::broke)) label = "\033[31m" + label + "\033[0m";
    if (color && f.kind == FindingKind::improvement) label = "\033[32m" + label + "\033[0m";
    out += fmt::format("{:<12} {}\n", label, finding_line(f));
  }
  const int improvements = static_cast<int>(std::count_if(result.findings.begin(), result.findings.end(),
      [](const auto& f) { return f.kind == FindingKind::improvement; }));
  out += fmt::format("gate {}: {} regression{}, {} improvement{}, {} unchanged{}\n",
                     result.passed() ? "passed" : "FAILED", result.regressions(), result.regressions() == 1 ? "" : "s",
                     improvements, improvements == 1 ? "" : "s", result.unchanged,
                     result.underpowered ? fmt::format(" ({} with too few samples to ever be significant)",
                                                       result.underpowered) : "");
  return out;
}

}  // namespace velo::exporter

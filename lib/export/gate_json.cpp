// `velo gate --format json`: the verdict, every finding and the full comparison.
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

std::string gate_json(const report::GateResult& result) {
  using nlohmann::json;
  json findings = json::array();
  for (const auto& f : result.findings) {
    json item = {{"kind", to_string(f.kind)}, {"id", f.id}};
    if (!f.metric.empty()) {
      item.update({{"metric", f.metric}, {"unit", f.unit}, {"base_median", f.base_median},
                   {"head_median", f.head_median}, {"delta", std::isfinite(f.delta) ? json(f.delta) : json(f.delta > 0 ? "inf" : "-inf")},
                   {"threshold", f.threshold}, {"threshold_origin", f.threshold_origin}, {"p_adjusted", f.p_adjusted}});
    }
    if (f.exact) item["exact"] = true;  // judged on exact counts (docs/deterministic.md)
    if (f.by_repetition) item["by_repetition"] = true;  // ... repetition by repetition
    if (!f.reason.empty()) item["reason"] = f.reason;
    findings.push_back(item);
  }
  return json{{"passed", result.passed()}, {"regressions", result.regressions()}, {"unchanged", result.unchanged},
              {"underpowered", result.underpowered}, {"findings", findings},
              {"comparison", json::parse(diff_json(result.comparison))}}
             .dump(2, ' ', false, json::error_handler_t::replace) + "\n";
}

}  // namespace velo::exporter

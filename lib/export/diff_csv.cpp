// `velo compare --format csv`: one row per case and metric.
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

std::string diff_csv(const Comparison& comparison) {
  auto quote = [](const std::string& field) {
    if (field.find_first_of(",\"\n") == std::string::npos) return field;
    std::string quoted = "\"";
    for (char c : field) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
    return quoted + "\"";
  };
  std::string out = "case,metric,unit,better,base_median,base_ci_low,base_ci_high,base_n,head_median,head_ci_low,"
                    "head_ci_high,head_n,delta,p_value,p_adjusted,verdict,unstable,test,pairs\n";
  for (const auto& cc : comparison.cases) {
    for (const auto& mc : cc.metrics) {
      out += fmt::format("{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}\n", quote(cc.id), mc.spec.name,
                         quote(mc.spec.unit), to_string(mc.spec.better), mc.base.median, mc.base.ci.low,
                         mc.base.ci.high, mc.base.n, mc.head.median, mc.head.ci.low, mc.head.ci.high, mc.head.n,
                         mc.delta, mc.p_value, mc.p_adjusted, to_string(mc.verdict), mc.unstable,
                         to_string(mc.test), mc.pairs);
    }
  }
  return out;
}

}  // namespace velo::exporter

// `velo compare --format json`: every case, metric, test and verdict.
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

std::string diff_json(const Comparison& comparison) {
  using nlohmann::json;
  auto number = [](double x) { return std::isfinite(x) ? json(x) : json(x > 0 ? "inf" : "-inf"); };
  auto summary = [](const stats::Summary& s) {
    return json{{"n", s.n}, {"median", s.median}, {"ci_low", s.ci.low}, {"ci_high", s.ci.high}, {"cv", s.cv}};
  };
  json cases = json::array();
  for (const auto& cc : comparison.cases) {
    json metrics = json::object();
    for (const auto& mc : cc.metrics) {
      metrics[mc.spec.name] = {{"unit", mc.spec.unit}, {"better", to_string(mc.spec.better)},
                               {"base", summary(mc.base)}, {"head", summary(mc.head)},
                               {"delta", number(mc.delta)}, {"p_value", mc.p_value},
                               {"p_adjusted", mc.p_adjusted}, {"smallest_p", mc.smallest_p},
                               {"flaggable_p", mc.flaggable_p}, {"test", to_string(mc.test)},
                               {"pairs", mc.pairs}, {"exact", mc.exact}, {"unstable", mc.unstable},
                               {"verdict", to_string(mc.verdict)}};
    }
    const char* presence = cc.presence == Presence::both ? "both" : cc.presence == Presence::added ? "added" : "removed";
    cases.push_back({{"id", cc.id}, {"presence", presence}, {"base_status", to_string(cc.base_status)},
                     {"head_status", to_string(cc.head_status)}, {"metrics", metrics}});
  }
  json geomeans = json::array();
  for (const auto& gm : comparison.geomeans) {
    geomeans.push_back({{"metric", gm.metric}, {"ratio", gm.ratio}, {"cases", gm.cases}});
  }
  const auto& o = comparison.options;
  return json{{"alpha", o.alpha}, {"min_change", o.min_change}, {"correction", to_string(o.correction)},
              {"paired", comparison.paired},
              {"warnings", comparison.warnings}, {"cases", cases}, {"geomeans", geomeans}}
             .dump(2, ' ', false, json::error_handler_t::replace) + "\n";
}

}  // namespace velo::exporter

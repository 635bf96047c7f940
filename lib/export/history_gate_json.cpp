// `velo gate --history --format json`: the verdict and every judged series.
#include <nlohmann/json.hpp>

#include "export/history_gate.hpp"

namespace velo::exporter {

std::string history_gate_json(const history::HistoryGateResult& result) {
  using nlohmann::json;
  json series = json::array();
  for (const auto& row : result.rows) {
    const auto& j = row.judgement;
    json item = {{"case", row.case_id},
                 {"metric", row.metric},
                 {"unit", row.unit},
                 {"better", std::string(to_string(row.better))},
                 {"verdict", std::string(to_string(j.verdict))},
                 {"head", j.head},
                 {"points", j.points}};
    if (j.verdict != history::HistoryVerdict::insufficient_history) {
      item.update({{"center", j.center},
                   {"spread", j.spread},
                   {"relative", j.relative},
                   {"sigmas", j.sigmas},
                   {"beyond_range", j.beyond_range}});
    }
    series.push_back(std::move(item));
  }
  const auto& o = result.options;
  const json out = {
      {"kind", "history_gate"},
      {"passed", result.passed()},
      {"head", {{"source", result.head_name}, {"commit", result.head_commit}}},
      {"db", result.db},
      {"branch", result.branch.empty() ? json(nullptr) : json(result.branch)},
      {"machine", result.machine},
      {"build", result.build},
      {"options",
       {{"window", o.window},
        {"min_points", o.min_points},
        {"sigmas", o.sigmas},
        {"min_change", o.min_change},
        {"range", o.range}}},
      {"regressions", result.regressions},
      {"improvements", result.improvements},
      {"judged", result.judged},
      {"unjudged", result.unjudged},
      {"series", std::move(series)},
  };
  return out.dump(2) + "\n";
}

}  // namespace velo::exporter

// A report case holding one count metric (instructions per op, as --measure
// instructions records it): the fixture the count-gate tests share.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "core/count_metric.hpp"
#include "report/report.hpp"
#include "stats/summary.hpp"

namespace velo::test {

inline report::CaseResult counted_case(std::string id, std::string family, std::vector<double> instructions,
                                       MeasureMode mode = MeasureMode::instructions) {
  report::CaseResult c;
  c.spec.id = std::move(id);
  c.spec.family = std::move(family);
  c.spec.scenario = "s";
  c.spec.settings.repetitions = static_cast<int>(instructions.size());
  c.spec.settings.measure.mode = mode;
  c.status = report::CaseStatus::ok;
  report::MetricResult m;
  m.spec = metrics::simulated_metrics().front();
  m.samples = std::move(instructions);
  m.summary = stats::summarize(m.samples);
  c.metrics.push_back(m);
  return c;
}

}  // namespace velo::test

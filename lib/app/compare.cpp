#include "app/compare.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "core/text.hpp"
#include "report/gate.hpp"

namespace velo::app {

Expected<report::CompareOptions> compare_options(const CompareRequest& request) {
  report::CompareOptions options;
  options.alpha = request.alpha;
  auto floor = report::parse_percent(request.min_change);
  if (!floor) {
    return make_error(fmt::format("--min-change: expected a percentage such as 1%, got '{}'", request.min_change));
  }
  options.min_change = *floor;
  auto count_threshold = report::parse_percent(request.count_threshold);
  if (!count_threshold) {
    return make_error(fmt::format("--count-threshold: expected a percentage such as 0.5%, got '{}'",
                                  request.count_threshold));
  }
  options.count_threshold = *count_threshold;
  if (request.correction == "holm") options.correction = stats::Correction::holm;
  else if (request.correction == "bh") options.correction = stats::Correction::benjamini_hochberg;
  else if (request.correction == "none") options.correction = stats::Correction::none;
  else return make_error(fmt::format("--correction: expected holm, bh or none, got '{}'", request.correction));
  if (!request.filter.empty()) {
    auto filter = Pattern::compile(request.filter, "--filter");
    if (!filter.ok()) return filter.error();
    options.filter = std::move(*filter);
  }
  options.metrics = request.metrics;
  options.use_pairing = !request.unpaired;
  options.allow_missing = request.allow_missing;
  return options;
}

Expected<ReportPair> read_reports(const CompareRequest& request) {
  auto options = compare_options(request);
  if (!options.ok()) return options.error();
  auto base = report::read_report_file(request.base);
  if (!base.ok()) return base.error();
  auto head = report::read_report_file(request.head);
  if (!head.ok()) return head.error();
  if (auto comparable = report::check_comparable(*base, *head, *options); !comparable.ok()) {
    return comparable.error();
  }
  return ReportPair{std::move(*base), std::move(*head)};
}

Status check_metrics_exist(const std::vector<std::string>& metrics, const report::Report& base,
                           const report::Report& head, std::string_view what) {
  std::vector<std::string> known;
  for (const auto* r : {&base, &head}) {
    for (const auto& c : r->cases) {
      for (const auto& m : c.metrics) {
        if (std::find(known.begin(), known.end(), m.spec.name) == known.end()) known.push_back(m.spec.name);
      }
    }
  }
  for (const auto& name : metrics) {
    if (std::find(known.begin(), known.end(), name) != known.end()) continue;
    auto hint = closest_match(name, known);
    return make_error(fmt::format("{}: no case in either report has a metric '{}'{}; metrics: {}", what, name,
                                  hint ? fmt::format(" (did you mean '{}'?)", *hint) : "", join(known, ", ")));
  }
  return {};
}

Expected<CompareOutcome> compare(const CompareRequest& request) {
  auto options = compare_options(request);
  if (!options.ok()) return options.error();
  auto reports = read_reports(request);
  if (!reports.ok()) return reports.error();
  if (auto known = check_metrics_exist(request.metrics, reports->base, reports->head, "--metric"); !known.ok()) {
    return known.error();
  }
  report::Comparison comparison = report::compare_reports(reports->base, reports->head, *options);
  return CompareOutcome{.reports = std::move(*reports), .comparison = std::move(comparison)};
}

}  // namespace velo::app

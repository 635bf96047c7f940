#include "cli/compare_args.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "core/text.hpp"
#include "report/gate.hpp"

namespace velo::cli {

void add_compare_args(CLI::App& command, CompareArgs& args) {
  command.add_option("base", args.base, "Report of the baseline (e.g. main)")->required();
  command.add_option("head", args.head, "Report of the change")->required();
  command.add_option("--alpha", args.alpha, "Significance level")->check(CLI::Range(1e-9, 0.5))->capture_default_str();
  command.add_option("--min-change", args.min_change, "Noise floor: smaller changes are ~, e.g. 1%")
      ->capture_default_str();
  command.add_option("--correction", args.correction, "Multiple-comparison correction across cases")
      ->check(CLI::IsMember({"holm", "bh", "none"}))
      ->capture_default_str();
  command.add_option("--filter", args.filter, "Only cases whose id matches this regular expression (RE2 syntax)");
  command.add_option("--metric", args.metrics, "Only this metric (repeatable)");
  command.add_flag("--unpaired", args.unpaired,
                   "Test the reports of one paired run (velo run --baseline-velo) as independent samples "
                   "(Mann-Whitney U) instead of fork by fork");
  command.add_flag("--allow-missing", args.allow_missing,
                   "Compare even when HEAD lacks more than half of BASE's cases (at least one must match)");
}

Expected<report::CompareOptions> compare_options(const CompareArgs& args) {
  report::CompareOptions options;
  options.alpha = args.alpha;
  auto floor = report::parse_percent(args.min_change);
  if (!floor) return make_error(fmt::format("--min-change: expected a percentage such as 1%, got '{}'", args.min_change));
  options.min_change = *floor;
  options.correction = args.correction == "holm" ? stats::Correction::holm
                       : args.correction == "bh" ? stats::Correction::benjamini_hochberg
                                                 : stats::Correction::none;
  if (!args.filter.empty()) {
    auto filter = Pattern::compile(args.filter, "--filter");
    if (!filter.ok()) return filter.error();
    options.filter = std::move(*filter);
  }
  options.metrics = args.metrics;
  options.use_pairing = !args.unpaired;
  options.allow_missing = args.allow_missing;
  return options;
}

Expected<std::pair<report::Report, report::Report>> read_reports(const CompareArgs& args) {
  auto base = report::read_report_file(args.base);
  if (!base.ok()) return base.error();
  auto head = report::read_report_file(args.head);
  if (!head.ok()) return head.error();
  auto options = compare_options(args);
  if (!options.ok()) return options.error();
  if (auto comparable = report::check_comparable(*base, *head, *options); !comparable.ok()) return comparable.error();
  return std::pair{std::move(*base), std::move(*head)};
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

}  // namespace velo::cli

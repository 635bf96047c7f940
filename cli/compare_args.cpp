#include "cli/compare_args.hpp"

namespace velo::cli {

void add_compare_args(CLI::App& command, app::CompareRequest& request) {
  command.add_option("base", request.base, "Report of the baseline (e.g. main)")->required();
  command.add_option("head", request.head, "Report of the change")->required();
  command.add_option("--alpha", request.alpha, "Significance level")
      ->check(CLI::Range(1e-9, 0.5))
      ->capture_default_str();
  command.add_option("--min-change", request.min_change, "Noise floor: smaller changes are ~, e.g. 1%")
      ->capture_default_str();
  command.add_option("--count-threshold", request.count_threshold,
                     "Exact counts (--measure instructions, the same in every repetition, or repetition by "
                     "repetition) that change by more than this are flagged, with no test; e.g. 0.5% "
                     "(docs/deterministic.md)")
      ->capture_default_str();
  command.add_option("--correction", request.correction, "Multiple-comparison correction across cases")
      ->check(CLI::IsMember({"holm", "bh", "none"}))
      ->capture_default_str();
  command.add_option("--filter", request.filter, "Only cases whose id matches this regular expression (RE2 syntax)");
  command.add_option("--metric", request.metrics, "Only this metric (repeatable)");
  command.add_flag("--unpaired", request.unpaired,
                   "Test the reports of one paired run (velo run --baseline-velo) as independent samples "
                   "(Mann-Whitney U) instead of fork by fork");
  command.add_flag("--allow-missing", request.allow_missing,
                   "Compare even when HEAD lacks more than half of BASE's cases (at least one must match)");
}

}  // namespace velo::cli

// Options `velo compare` and `velo gate` share, and turning them into CompareOptions.
#pragma once

#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "core/result.hpp"
#include "report/compare.hpp"

namespace velo::cli {

struct CompareArgs {
  std::string base;
  std::string head;
  double alpha = 0.05;
  std::string min_change = "1%";
  std::string correction = "holm";
  std::string filter;
  std::vector<std::string> metrics;
  bool unpaired = false;  // --unpaired: ignore a paired run's pairing
  bool allow_missing = false;  // --allow-missing: see report::kMinMatchedShare
};

void add_compare_args(CLI::App& command, CompareArgs& args);
Expected<report::CompareOptions> compare_options(const CompareArgs& args);
// Reads both reports and checks they can be compared (report::check_comparable); the
// error names the file or what did not match.
Expected<std::pair<report::Report, report::Report>> read_reports(const CompareArgs& args);
// Every name in `metrics` must be measured by some case of either report: a typo in
// --metric (or a gate file's metrics) must not turn into a silently passing gate.
Status check_metrics_exist(const std::vector<std::string>& metrics, const report::Report& base,
                           const report::Report& head, std::string_view what);

}  // namespace velo::cli

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
};

void add_compare_args(CLI::App& command, CompareArgs& args);
Expected<report::CompareOptions> compare_options(const CompareArgs& args);
// Reads both reports; the error names the file.
Expected<std::pair<report::Report, report::Report>> read_reports(const CompareArgs& args);

}  // namespace velo::cli

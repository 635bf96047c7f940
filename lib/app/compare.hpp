// `velo compare` and the reading half of `velo gate`: two reports in, checked to be
// comparable, a comparison out (rendering is the caller's, through export/formats).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "report/compare.hpp"

namespace velo::app {

struct CompareRequest {
  std::string base;  // report files
  std::string head;
  double alpha = 0.05;
  std::string min_change = "1%";
  std::string count_threshold = "0.5%";  // --count-threshold: exact counts (report/compare.hpp)
  std::string correction = "holm";  // holm | bh | none
  std::string filter;               // RE2 over case ids; "" = all
  std::vector<std::string> metrics;  // only these; empty = all
  bool unpaired = false;       // test a paired run's reports as independent samples
  bool allow_missing = false;  // see report::kMinMatchedShare
};

// The request's options, with its patterns compiled and percentages parsed.
Expected<report::CompareOptions> compare_options(const CompareRequest& request);

struct ReportPair {
  report::Report base;
  report::Report head;
};

// Reads both reports and checks they can be compared (report::check_comparable); the
// error names the file or what did not match.
Expected<ReportPair> read_reports(const CompareRequest& request);

// Every name in `metrics` must be measured by some case of either report: a typo in
// --metric (or a gate file's metrics) must not turn into a silently passing gate.
// `what` names where the names came from.
Status check_metrics_exist(const std::vector<std::string>& metrics, const report::Report& base,
                           const report::Report& head, std::string_view what);

struct CompareOutcome {
  ReportPair reports;
  report::Comparison comparison;
};

// The whole `velo compare`: read, check, compare.
Expected<CompareOutcome> compare(const CompareRequest& request);

}  // namespace velo::app

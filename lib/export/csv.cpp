// Every case and metric as CSV: one row per (case, metric) with the summary
// figures at full precision, for spreadsheets and scripts. A case without metrics
// (skipped, failed, timed out) still gets one row, so its status is visible.
// Quoting and CRLF line ends follow RFC 4180.
#include <fmt/format.h>

#include "export/exporters.hpp"

namespace velo::exporter {
namespace {

std::string field(std::string_view text) {
  if (text.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(text);
  std::string quoted = "\"";
  for (char c : text) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  return quoted + "\"";
}

// Shortest text that reads back as the same double.
std::string number(double value) { return fmt::format("{}", value); }

void append_row(std::string& out, const std::vector<std::string>& fields) {
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (i) out += ',';
    out += field(fields[i]);
  }
  out += "\r\n";
}

}  // namespace

std::string cases_csv(const report::Report& report) {
  std::string out;
  append_row(out, {"scenario", "case_id", "family", "variant", "impl", "baseline", "group",
                   "status", "reason", "metric", "unit", "better", "n", "median", "mean",
                   "stddev", "cv", "min", "max", "ci_low", "ci_high", "ci_level"});
  for (const auto& result : report.cases) {
    const Case& spec = result.spec;
    const std::vector<std::string> case_fields = {
        spec.scenario, spec.id,    spec.family, spec.variant, spec.impl,
        spec.baseline ? "true" : "false", spec.group, std::string(report::to_string(result.status)),
        result.reason};
    if (result.metrics.empty()) {
      std::vector<std::string> row = case_fields;
      row.resize(row.size() + 13);
      append_row(out, row);
      continue;
    }
    for (const auto& metric : result.metrics) {
      const stats::Summary& s = metric.summary;
      std::vector<std::string> row = case_fields;
      for (std::string value :
           {metric.spec.name, metric.spec.unit, std::string(to_string(metric.spec.better)),
            fmt::format("{}", s.n), number(s.median), number(s.mean), number(s.stddev),
            number(s.cv), number(s.min), number(s.max), number(s.ci.low), number(s.ci.high),
            number(s.ci.level)}) {
        row.push_back(std::move(value));
      }
      append_row(out, row);
    }
  }
  return out;
}

}  // namespace velo::exporter

#include "export/benchstat.hpp"

#include <fmt/format.h>

#include <cctype>

namespace velo::exporter {

std::string go_unit(const std::string& metric) {
  if (metric == "ns_per_op") return "ns/op";
  if (metric == "bytes_per_op") return "B/op";
  std::string unit = metric;
  if (auto at = unit.find("_per_"); at != std::string::npos) unit.replace(at, 5, "/");
  return unit;
}

namespace {
// Go benchmark names have no spaces; sub-benchmarks are separated by '/'.
std::string go_name(const Case& spec) {
  std::string family = spec.family;
  if (!family.empty()) family[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(family[0])));
  std::string name = "Benchmark" + family + spec.id.substr(spec.family.size());
  for (char& c : name) {
    if (std::isspace(static_cast<unsigned char>(c))) c = '_';
  }
  return name;
}
}  // namespace

std::string benchstat_text(const report::Report& report) {
  std::string out;
  out += fmt::format("goos: {}\n", report.environment.os == "Linux" ? "linux" : report.environment.os);
  out += fmt::format("goarch: {}\n", report.environment.arch == "x86_64" ? "amd64" : report.environment.arch);
  out += "pkg: velo\n";
  if (!report.environment.cpu_model.empty()) out += fmt::format("cpu: {}\n", report.environment.cpu_model);
  const int procs = std::max(1, report.environment.logical_cpus);
  for (const auto& c : report.cases) {
    if (c.status != report::CaseStatus::ok || c.metrics.empty()) continue;
    const std::size_t repetitions = c.metrics.front().samples.size();
    const auto* iterations = c.details.contains("iterations") ? &c.details["iterations"] : nullptr;
    for (std::size_t r = 0; r < repetitions; ++r) {
      // The iteration count is informational for benchstat; 1 when the report lacks it.
      const long long n = iterations && r < iterations->size() ? (*iterations)[r].get<long long>() : 1;
      out += fmt::format("{}-{}\t{}", go_name(c.spec), procs, n);
      for (const auto& metric : c.metrics) {
        if (r < metric.samples.size()) out += fmt::format("\t{} {}", metric.samples[r], go_unit(metric.spec.name));
      }
      out += '\n';
    }
  }
  return out;
}

}  // namespace velo::exporter

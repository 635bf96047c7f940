#include "export/benchstat.hpp"

#include "export/iterations.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <vector>

namespace velo::exporter {

std::string go_unit(const std::string& metric) {
  if (metric == "ns_per_op") return "ns/op";
  if (metric == "bytes_per_op") return "B/op";
  if (metric == "cpu_ns_per_op") return "cpu-ns/op";
  std::string unit = metric;
  if (auto at = unit.find("_per_"); at != std::string::npos) unit.replace(at, 5, "/");
  return unit;
}

namespace {
// Go benchmark names have no spaces; sub-benchmarks are separated by '/', and
// benchstat reads a "key=value" part as a configuration key, so each parameter
// becomes its own part: counters/atomic/increments=10,threads=2 ->
// BenchmarkCounters/atomic/increments=10/threads=2.
std::string go_name(const Case& spec) {
  std::string family = spec.family;
  if (!family.empty()) family[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(family[0])));
  std::string name = "Benchmark" + family + spec.id.substr(spec.family.size());
  for (char& c : name) {
    if (std::isspace(static_cast<unsigned char>(c))) c = '_';
    if (c == ',') c = '/';
  }
  return name;
}

// ns/op first, then B/op and allocs/op, as `go test -benchmem` prints them; the
// other metrics after. A metric the run did not measure (allocation counting is
// off under sanitizers) is simply not in the report, so it is not printed: never a 0.
std::vector<const report::MetricResult*> in_go_order(const report::CaseResult& c) {
  std::vector<const report::MetricResult*> ordered;
  for (auto name : {metrics::ns_per_op, metrics::bytes_per_op, metrics::allocs_per_op}) {
    if (const auto* metric = c.find_metric(name)) ordered.push_back(metric);
  }
  for (const auto& metric : c.metrics) {
    if (std::find(ordered.begin(), ordered.end(), &metric) == ordered.end()) ordered.push_back(&metric);
  }
  return ordered;
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
    const auto ordered = in_go_order(c);
    const std::size_t repetitions = ordered.front()->samples.size();
    for (std::size_t r = 0; r < repetitions; ++r) {
      // The iteration count is informational for benchstat; 1 when the report lacks it.
      const long long n = iterations_of(c.details, r);
      out += fmt::format("{}-{}\t{}", go_name(c.spec), procs, n);
      for (const auto* metric : ordered) {
        const double value = r < metric->samples.size() ? metric->samples[r] : std::nan("");
        if (std::isfinite(value)) out += fmt::format("\t{} {}", value, go_unit(metric->spec.name));
      }
      out += '\n';
    }
  }
  return out;
}

}  // namespace velo::exporter

#include "export/gbench.hpp"

#include "export/iterations.hpp"

#include <nlohmann/json.hpp>

#include <variant>

namespace velo::exporter {

namespace {
// Google Benchmark's "threads": the case's threads parameter when it has one.
int threads_of(const Case& spec) {
  const auto& values = spec.params.values();
  const auto it = values.find("threads");
  if (it == values.end()) return 1;
  const auto* n = std::get_if<std::int64_t>(&it->second);
  return n ? static_cast<int>(*n) : 1;
}
}  // namespace

std::string gbench_json(const report::Report& report) {
  using nlohmann::json;
  const auto& env = report.environment;
  json caches = json::array();
  for (const auto& cache : env.caches) {
    caches.push_back({{"type", cache.type}, {"level", cache.level}, {"size", cache.size_bytes}, {"num_sharing", 0}});
  }
  json context = {{"date", report.started_at},
                  {"host_name", env.hostname},
                  {"executable", "velo"},
                  {"num_cpus", env.logical_cpus},
                  {"mhz_per_cpu", 0},
                  {"cpu_scaling_enabled", env.governor && *env.governor != "performance"},
                  {"caches", caches},
                  {"load_avg", json::array()},
                  {"library_build_type", env.build_type == "debug" ? "debug" : "release"},
                  {"velo_version", report.provenance.velo_version}};
  json benchmarks = json::array();
  int family_index = 0;
  for (const auto& c : report.cases) {
    if (c.status != report::CaseStatus::ok) continue;
    const auto* real = c.find_metric(metrics::ns_per_op);
    if (!real) continue;
    const auto* cpu = c.find_metric(metrics::cpu_ns_per_op);
    const std::size_t n = real->samples.size();
    auto base = [&](const std::string& run_type) {
      return json{{"name", c.spec.id},
                  {"family_index", family_index},
                  {"per_family_instance_index", 0},
                  {"run_name", c.spec.id},
                  {"run_type", run_type},
                  {"repetitions", n},
                  {"threads", threads_of(c.spec)},
                  {"time_unit", "ns"}};
    };
    for (std::size_t r = 0; r < n; ++r) {
      json run = base("iteration");
      run["repetition_index"] = r;
      run["iterations"] = iterations_of(c.details, r);
      run["real_time"] = real->samples[r];
      run["cpu_time"] = cpu && r < cpu->samples.size() ? cpu->samples[r] : real->samples[r];
      for (const auto& metric : c.metrics) {
        if (metric.spec.name != metrics::ns_per_op && metric.spec.name != metrics::cpu_ns_per_op &&
            r < metric.samples.size()) {
          run[metric.spec.name] = metric.samples[r];
        }
      }
      benchmarks.push_back(run);
    }
    auto aggregate = [&](const char* name, double real_value, double cpu_value, const char* unit) {
      json run = base("aggregate");
      run["name"] = c.spec.id + "_" + name;
      run["aggregate_name"] = name;
      run["aggregate_unit"] = unit;
      run["iterations"] = n;
      run["real_time"] = real_value;
      run["cpu_time"] = cpu_value;
      benchmarks.push_back(run);
    };
    const auto& rs = real->summary;
    const auto& cs = cpu ? cpu->summary : real->summary;
    aggregate("mean", rs.mean, cs.mean, "time");
    aggregate("median", rs.median, cs.median, "time");
    aggregate("stddev", rs.stddev, cs.stddev, "time");
    aggregate("cv", rs.cv, cs.cv, "percentage");
    ++family_index;
  }
  const json document{{"context", context}, {"benchmarks", benchmarks}};
  return document.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
}

}  // namespace velo::exporter

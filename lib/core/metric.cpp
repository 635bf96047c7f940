#include "core/metric.hpp"

namespace velo {

std::string_view to_string(Better better) { return better == Better::lower ? "lower" : "higher"; }

const std::vector<MetricSpec>& metrics::runner_metrics() {
  static const std::vector<MetricSpec> specs = {
      {std::string(ns_per_op), "ns", Better::lower, "wall-clock time per operation (all threads together)"},
      {std::string(ops_per_s), "op/s", Better::higher, "operations per second (all threads together)"},
      {std::string(cpu_ns_per_op), "ns", Better::lower, "user + system CPU time per operation, all threads (getrusage)"},
      {std::string(voluntary_switches_per_kop), "/kop", Better::lower, "voluntary context switches per 1000 operations"},
      {std::string(involuntary_switches_per_kop), "/kop", Better::lower, "involuntary context switches per 1000 operations"},
      {std::string(allocs_per_op), "allocs", Better::lower, "heap allocations per operation, all threads (absent when counting is off)"},
      {std::string(bytes_per_op), "B", Better::lower, "heap bytes requested per operation, all threads (absent when counting is off)"},
      {std::string(overlap_pct), "%", Better::higher,
       "share of each round during which all threads ran together (cases with more than one thread)"},
  };
  return specs;
}

}  // namespace velo

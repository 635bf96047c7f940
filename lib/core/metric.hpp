// What a metric is: a name, a unit and which direction is better. Samples are one
// value per repetition; summaries live in stats/.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace velo {

enum class Better { lower, higher };

struct MetricSpec {
  std::string name;  // snake_case with the unit's meaning: ns_per_op, ops_per_s, allocs_per_op
  std::string unit;  // short unit for tables: "ns", "op/s", "B", "allocs", "GB/s", "%"
  Better better = Better::lower;
  std::string doc;   // one line
};

std::string_view to_string(Better better);

// Metrics every case gets from the runner, whatever its family.
namespace metrics {
inline constexpr std::string_view ns_per_op = "ns_per_op";
inline constexpr std::string_view ops_per_s = "ops_per_s";
inline constexpr std::string_view cpu_ns_per_op = "cpu_ns_per_op";
inline constexpr std::string_view voluntary_switches_per_kop = "voluntary_switches_per_kop";
inline constexpr std::string_view involuntary_switches_per_kop = "involuntary_switches_per_kop";
inline constexpr std::string_view allocs_per_op = "allocs_per_op";
inline constexpr std::string_view bytes_per_op = "bytes_per_op";
inline constexpr std::string_view overlap_pct = "overlap_pct";
const std::vector<MetricSpec>& runner_metrics();
}  // namespace metrics

}  // namespace velo

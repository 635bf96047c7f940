#include "core/count_metric.hpp"

#include <algorithm>

namespace velo::metrics {

const std::vector<MetricSpec>& simulated_metrics() {
  static const std::vector<MetricSpec> specs = {
      {std::string(instructions_per_op), "instr", Better::lower,
       "instructions executed per operation (Valgrind callgrind, measured region only)"},
      {std::string(sim_l1i_misses_per_op), "misses", Better::lower,
       "simulated L1 instruction cache misses per operation (callgrind --cache-sim)"},
      {std::string(sim_l1d_misses_per_op), "misses", Better::lower,
       "simulated L1 data cache misses per operation, reads and writes (callgrind --cache-sim)"},
      {std::string(sim_ll_misses_per_op), "misses", Better::lower,
       "simulated last-level cache misses per operation, instructions and data (callgrind --cache-sim)"},
      {std::string(est_cycles_per_op), "cycles", Better::lower,
       "estimated cycles per operation: L1 hits + 5 x LL hits + 35 x RAM hits (iai-callgrind's model)"},
      {std::string(sim_branch_misses_per_op), "misses", Better::lower,
       "simulated branch mispredictions per operation, conditional and indirect (callgrind --branch-sim)"},
  };
  return specs;
}

bool is_count_metric(std::string_view name) {
  const auto& simulated = simulated_metrics();
  if (std::any_of(simulated.begin(), simulated.end(), [&](const MetricSpec& m) { return m.name == name; })) {
    return true;
  }
  // hwcounters/counts.hpp's names (core cannot include it: hwcounters sits above core).
  return name == "cycles_per_op" || name == "l1d_misses_per_op" || name == "llc_misses_per_op";
}

}  // namespace velo::metrics

// The metrics of the deterministic measurement modes (docs/deterministic.md): counts
// per operation that repeat exactly run after run, so compare and gate judge them by
// their relative change instead of a test of significance (report/compare.hpp).
//
// Instruction counts and simulated cache and branch events come from Valgrind's
// callgrind (runner/callgrind_output.hpp). The hardware counters' metrics
// (hwcounters/counts.hpp) count too, but vary a little from run to run; they are
// listed here so that compare treats them the same way whenever they do repeat.
#pragma once

#include <string_view>
#include <vector>

#include "core/metric.hpp"

namespace velo::metrics {

inline constexpr std::string_view instructions_per_op = "instructions_per_op";
inline constexpr std::string_view sim_l1i_misses_per_op = "sim_l1i_misses_per_op";
inline constexpr std::string_view sim_l1d_misses_per_op = "sim_l1d_misses_per_op";
inline constexpr std::string_view sim_ll_misses_per_op = "sim_ll_misses_per_op";
inline constexpr std::string_view est_cycles_per_op = "est_cycles_per_op";
inline constexpr std::string_view sim_branch_misses_per_op = "sim_branch_misses_per_op";

// The callgrind metrics, in table order.
const std::vector<MetricSpec>& simulated_metrics();

// A metric that counts events (instructions, misses, cycles) rather than timing them.
bool is_count_metric(std::string_view name);

}  // namespace velo::metrics

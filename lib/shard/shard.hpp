// Splitting a suite over a CI matrix: `velo run --shard I/N` measures shard I of N.
//
// Every job of the matrix computes the same assignment on its own, so it must
// depend on nothing but what all jobs share: the case list (the same scenarios,
// filter and overrides) and, when given, the same previous report. Assignment is
// greedy longest-processing-time first (Graham, "Bounds on multiprocessing timing
// anomalies", SIAM J. Appl. Math. 17(2), 1969: within 4/3 of the best makespan):
// cases in decreasing weight, ties by id, each to the shard with the least load so
// far, ties to the lowest shard. A case's weight is its wall time in the previous
// report; cases that report lacks weigh the mean of those it has; with no report
// every case weighs 1, which deals them out round-robin (shard sizes differ by at
// most one). Within a shard, cases keep their original order.
#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/result.hpp"
#include "report/report.hpp"
#include "scenario/case.hpp"

namespace velo::shard {

struct ShardSpec {
  int index = 1;  // 1-based
  int count = 1;
  bool operator==(const ShardSpec&) const = default;
};

inline constexpr int kMaxShards = 4096;

// "2/5" -> {2, 5}; errors say what was expected.
Expected<ShardSpec> parse_shard(std::string_view text);

// Wall time per case id of the ok cases of a previous report.
std::map<std::string, double> durations_of(const report::Report& previous);

// For each of `ids` (distinct), the shard (0-based) it belongs to.
std::vector<int> assign(const std::vector<std::string>& ids, const std::map<std::string, double>& durations,
                        int count);

struct Selection {
  std::vector<Case> cases;  // this shard's, in their original order
  // Recorded in the report's settings under "shard" for `velo merge`:
  // {"index": I, "count": N, "total_cases": T, "balanced_by": "count" | "durations"}.
  nlohmann::json setting;
};

// `shard_text` as given to --shard; `durations_report` a report path or empty.
Expected<Selection> select(std::vector<Case> cases, std::string_view shard_text,
                           const std::string& durations_report);

}  // namespace velo::shard

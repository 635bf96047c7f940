// Process-wide figures read around each measured run() and turned into
// per-operation metrics for every case, whatever its family: CPU time and context
// switches (getrusage: all threads of the worker process), and heap allocations
// (alloc/counting.hpp: all threads, read while the workload's threads are idle),
// and, for workloads whose rounds run several threads, how much of each round all
// of them ran together (overlap_pct, stats/overlap.hpp, from the members' own
// start and end stamps that ThreadTeam records).
#pragma once

#include <sys/resource.h>

#include <cstdint>
#include <functional>
#include <optional>
#include <string_view>
#include <vector>

#include "alloc/counting.hpp"
#include "stats/overlap.hpp"
#include "threads/thread_team.hpp"

namespace velo {

class RunProbes final : private RoundObserver {
 public:
  void begin();
  // Bracket every call to the workload's run(), so only the measured code's
  // allocations are counted, not the harness's between runs.
  void before_run();
  void after_run();
  // The CPUs the last observed team's members were pinned to (empty: not pinned).
  const std::vector<int>& pinned_cpus() const { return pinned_cpus_; }
  // Emits metric name/value pairs for a run of `ops` operations, and a note when
  // a probe could not measure (its metrics are then absent, never zero).
  void end(std::int64_t ops, const std::function<void(std::string_view, double)>& emit,
           const std::function<void(std::string_view)>& note);

 private:
  void on_round(const ThreadTeam& team) override;

  rusage before_{};
  static constexpr std::size_t kReservedMembers = 256;
  stats::OverlapTally overlap_;
  std::vector<stats::Span> spans_;
  std::optional<ScopedRoundObserver> observing_;
  std::vector<int> pinned_cpus_;
  bool counting_ = false;
  alloc::Counts run_start_{};
  alloc::Counts allocated_{};
};

}  // namespace velo

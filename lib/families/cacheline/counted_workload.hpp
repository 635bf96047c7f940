// What every cacheline workload shares: a ThreadTeam that runs the work (one
// member for the single-threaded scans) and hardware counters for each member,
// enabled only around the team's round so they count exactly what is timed.
#pragma once

#include <fmt/format.h>

#include <string>

#include "families/family.hpp"
#include "hwcounters/perf_group.hpp"
#include "threads/thread_team.hpp"

namespace velo::cacheline {

class CountedWorkload : public Workload {
 public:
  void begin_repetition() override { counters_.follow_calling_thread(); }

 protected:
  CountedWorkload(int threads, const std::string& thread_prefix)
      : team_(threads, [thread_prefix](int member) { return fmt::format("{}-{}", thread_prefix, member); }),
        counters_(hw::team_thread_ids(team_)) {}

  // Runs body(member) on every member; returns the team's seconds.
  template <typename Body>
  double timed_round(Body&& body) {
    counters_.start();
    const double seconds = team_.run(std::forward<Body>(body));
    counters_.stop();
    return seconds;
  }

  // Adds the hardware counters per op, or notes why there are none.
  void report_counters(MetricSink& sink, std::int64_t ops) {
    if (!counters_.available()) {
      sink.note("hardware counters unavailable: " + counters_.unavailable_reason());
      return;
    }
    const auto metrics = hw::per_op_metrics(counters_.read(), ops);
    if (metrics.empty()) {
      sink.note("hardware counters unavailable: the kernel never scheduled them onto the PMU "
                "(counters busy, e.g. the NMI watchdog or another perf session)");
    }
    for (const auto& [name, value] : metrics) sink.add(name, value);
  }

  int threads() const { return team_.size(); }

 private:
  ThreadTeam team_;
  hw::TeamCounters counters_;
};

}  // namespace velo::cacheline

// The workload every counters variant shares: a team of `threads` threads splits
// the ops; one op is `increments` increments by one thread (plus the optional
// calibrated delay). After every run the counter must hold exactly the number of
// increments made, or the case fails.
//
// A Counter provides:
//   Counter(int threads, const Params&)
//   void add(int member)        one increment, the hot path
//   void flush(int member)      end of a member's share (batching variants publish)
//   std::uint64_t total() const read after the team has finished
#pragma once

#include <fmt/format.h>

#include <memory>

#include "families/counters/busy_delay.hpp"
#include "families/family.hpp"
#include "threads/thread_team.hpp"

namespace velo::counters {

template <typename Counter>
class CounterWorkload final : public Workload {
 public:
  explicit CounterWorkload(const Params& params)
      : threads_(static_cast<int>(params.integer("threads"))),
        increments_(params.integer("increments")),
        delay_(params.integer("delay_ns")),
        counter_(threads_, params),
        team_(threads_, [](int member) { return fmt::format("counter-{}", member); }) {}

  double run(std::int64_t ops) override {
    expected_ += static_cast<std::uint64_t>(ops) * static_cast<std::uint64_t>(increments_);
    if (delay_.spins() == 0) {
      return team_.run([&](int member) { work(member, ops, [] {}); });
    }
    return team_.run([&](int member) { work(member, ops, delay_); });
  }

  Status end_repetition(MetricSink&, std::int64_t, double) override {
    const std::uint64_t total = counter_.total();
    if (total != expected_) {
      return make_error(fmt::format("counter holds {} but {} increments were made", total, expected_));
    }
    return {};
  }

 private:
  template <typename Delay>
  void work(int member, std::int64_t ops, const Delay& delay) {
    const std::int64_t mine = share_of(ops, threads_, member);
    for (std::int64_t op = 0; op < mine; ++op) {
      for (std::int64_t i = 0; i < increments_; ++i) counter_.add(member);
      delay();
    }
    counter_.flush(member);
  }

  int threads_;
  std::int64_t increments_;
  BusyDelay delay_;
  Counter counter_;
  ThreadTeam team_;
  std::uint64_t expected_ = 0;
};

template <typename Counter>
WorkloadFactory factory_for() {
  return [](const Params& params) -> std::variant<std::unique_ptr<Workload>, CaseError> {
    return std::make_unique<CounterWorkload<Counter>>(params);
  };
}

}  // namespace velo::counters

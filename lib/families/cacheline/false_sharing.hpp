// The false_sharing workload: a team of `threads` threads splits the ops and each
// op is one increment of a counter in memory (for the per-thread counters, as the
// `op` parameter says: an atomic RMW by default, see increment_op.hpp). Variants differ only in where the
// counters live (counters.hpp-style layouts below and in their own files).
// After every run each thread's counter must hold exactly the increments it made
// (or, for one shared counter, the total), or the case fails.
//
// A Counters type provides:
//   Counters(int threads, const Params&)
//   void count(int member, std::int64_t n)   n increments by `member`: the hot loop
//   Status verify(std::span<const std::uint64_t> made) const   made[m] = increments by m
//   std::vector<StructLayout> layouts() const                   what the report shows
//   std::string describe() const                                one line for the report
#pragma once

#include <fmt/format.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "families/cacheline/counted_workload.hpp"
#include "families/cacheline/layout.hpp"
#include "families/increment_op.hpp"

namespace velo::cacheline {

template <typename Counters>
class FalseSharingWorkload final : public CountedWorkload {
 public:
  explicit FalseSharingWorkload(const Params& params)
      : CountedWorkload(static_cast<int>(params.integer("threads")), "cacheline"),
        counters_(threads(), params),
        made_(static_cast<std::size_t>(threads()), 0) {}

  double run(std::int64_t ops) override {
    for (int member = 0; member < threads(); ++member) {
      made_[static_cast<std::size_t>(member)] += static_cast<std::uint64_t>(share_of(ops, threads(), member));
    }
    return timed_round([this, ops](int member) { counters_.count(member, share_of(ops, threads(), member)); });
  }

  Status end_repetition(MetricSink& sink, std::int64_t ops, double) override {
    if (Status status = counters_.verify(made_); !status) return status;
    report_counters(sink, ops);
    return {};
  }

  nlohmann::json details() const override {
    return {
        {"workload", "false_sharing"},
        {"op", "one increment of the thread's counter"},
        {"threads", threads()},
        {"layouts", to_json(counters_.layouts(), kLineBytes)},
        {"description", fmt::format("{} thread{}, one op = one increment: {}", threads(),
                                    threads() == 1 ? "" : "s", counters_.describe())},
    };
  }

 private:
  Counters counters_;
  std::vector<std::uint64_t> made_;
};

template <typename Counters>
WorkloadFactory false_sharing_factory() {
  return [](const Params& params) -> std::variant<std::unique_ptr<Workload>, CaseError> {
    return std::make_unique<FalseSharingWorkload<Counters>>(params);
  };
}

// One counter per thread in a slot of `Slot` (alignment = spacing), each written
// only by its thread, `op` per increment (increment_op.hpp): atomic_add (lock xadd,
// the default) makes every increment wait for the line, which is what shows false
// sharing; store (relaxed load + store) lets the store buffer hide most of it.
// Either way the variants differ only in line sharing.
template <typename Slot>
class SlotCounters {
 public:
  explicit SlotCounters(int threads, IncrementOp op = IncrementOp::atomic_add)
      : op_(op), slots_(static_cast<std::size_t>(threads)) {}

  void count(int member, std::int64_t n) {
    if (op_ == IncrementOp::atomic_add) {
      count_with<IncrementOp::atomic_add>(member, n);
    } else {
      count_with<IncrementOp::store>(member, n);
    }
  }

  // Adds `n` increments made elsewhere (in a register) with one write.
  void publish(int member, std::uint64_t n) {
    std::atomic<std::uint64_t>& mine = slots_[static_cast<std::size_t>(member)].value;
    mine.store(mine.load(std::memory_order_relaxed) + n, std::memory_order_relaxed);
  }

  Status verify(std::span<const std::uint64_t> made) const {
    for (std::size_t m = 0; m < made.size(); ++m) {
      const std::uint64_t held = slots_[m].value.load(std::memory_order_relaxed);
      if (held != made[m]) {
        return make_error(fmt::format("thread {}'s counter holds {} but it made {} increments", m, held, made[m]));
      }
    }
    return {};
  }

  std::string describe() const { return describe_layout() + ", " + describe_op(); }

  std::string describe_layout() const {
    const std::string sharing = sizeof(Slot) >= 2 * kLineBytes ? "each alone on a pair of lines"
                                : sizeof(Slot) >= kLineBytes   ? "each alone on a line"
                                                               : fmt::format("{} per line", kLineBytes / sizeof(Slot));
    return fmt::format("one counter per thread, {} B apart ({})", sizeof(Slot), sharing);
  }

  std::string describe_op() const {
    return op_ == IncrementOp::atomic_add ? "op=atomic_add: one lock xadd per increment"
                                          : "op=store: one relaxed load + store per increment";
  }

  IncrementOp op() const { return op_; }

  // The array as one struct: counter[i] at i * sizeof(Slot).
  StructLayout layout(const std::string& name) const {
    StructLayout layout{.name = fmt::format("{}[{}]", name, slots_.size()),
                        .size = sizeof(Slot) * slots_.size(),
                        .align = alignof(Slot)};
    for (std::size_t i = 0; i < slots_.size(); ++i) {
      layout.fields.push_back({.name = fmt::format("counter{}", i),
                               .type = "std::atomic<uint64_t>",
                               .offset = i * sizeof(Slot),
                               .size = sizeof(std::atomic<std::uint64_t>)});
    }
    return layout;
  }

 private:
  template <IncrementOp Op>
  void count_with(int member, std::int64_t n) {
    std::atomic<std::uint64_t>& mine = slots_[static_cast<std::size_t>(member)].value;
    for (std::int64_t i = 0; i < n; ++i) increment<Op>(mine);
  }

  IncrementOp op_;
  AlignedArray<Slot> slots_;
};

// Counters adjacent: eight to a cache line.
struct PackedSlot {
  std::atomic<std::uint64_t> value{0};
};
static_assert(sizeof(PackedSlot) == 8 && alignof(PackedSlot) == 8);

}  // namespace velo::cacheline

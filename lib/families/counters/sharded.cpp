// One slot per thread; the total is the sum of the slots. Each thread writes only
// its own slot, `op` per increment (increment_op.hpp: atomic_add = lock xadd, the
// default; store = relaxed load + store, whose store buffer hides most of the line
// traffic), so the only cost that differs is cache-line sharing between slots:
//   sharded_packed  slots adjacent, several per cache line -> false sharing;
//   sharded_padded  each slot alone in `pad_bytes` (64, or 128 where the adjacent-
//                   line prefetcher pairs lines) -> no sharing.
#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <new>

#include "families/counters/counter_workload.hpp"
#include "families/counters/counters.hpp"
#include "families/increment_op.hpp"

namespace velo::counters {
namespace {

using Slot = std::atomic<std::uint64_t>;

// Slots `stride` bytes apart in one aligned block.
class SlotArray {
 public:
  SlotArray(int threads, std::size_t stride) : threads_(threads), stride_(stride) {
    const std::size_t bytes = stride_ * static_cast<std::size_t>(threads_);
    memory_ = static_cast<std::byte*>(::operator new(bytes, std::align_val_t{128}));
    for (int i = 0; i < threads_; ++i) new (&slot(i)) Slot(0);
  }
  ~SlotArray() { ::operator delete(memory_, std::align_val_t{128}); }
  SlotArray(const SlotArray&) = delete;
  SlotArray& operator=(const SlotArray&) = delete;

  Slot& slot(int i) const { return *reinterpret_cast<Slot*>(memory_ + stride_ * static_cast<std::size_t>(i)); }
  template <IncrementOp Op>
  void add(int member) {
    increment<Op>(slot(member));
  }
  std::uint64_t total() const {
    std::uint64_t sum = 0;
    for (int i = 0; i < threads_; ++i) sum += slot(i).load(std::memory_order_relaxed);
    return sum;
  }

 private:
  int threads_;
  std::size_t stride_;
  std::byte* memory_;
};

template <IncrementOp Op>
struct PackedCounter {
  PackedCounter(int threads, const Params&) : slots(threads, sizeof(Slot)) {}
  void add(int member) { slots.add<Op>(member); }
  void flush(int) {}
  std::uint64_t total() const { return slots.total(); }
  SlotArray slots;
};

template <IncrementOp Op>
struct PaddedCounter {
  PaddedCounter(int threads, const Params& params)
      : slots(threads, static_cast<std::size_t>(params.integer("pad_bytes"))) {}
  void add(int member) { slots.add<Op>(member); }
  void flush(int) {}
  std::uint64_t total() const { return slots.total(); }
  SlotArray slots;
};

// The factory for `Counter<op>`, the op the case asks for.
template <template <IncrementOp> class Counter>
WorkloadFactory factory_for_op() {
  return [](const Params& params) {
    return increment_op_of(params) == IncrementOp::store ? factory_for<Counter<IncrementOp::store>>()(params)
                                                         : factory_for<Counter<IncrementOp::atomic_add>>()(params);
  };
}

}  // namespace

Implementation sharded_packed() {
  return {.name = "sharded_packed",
          .doc = "one slot per thread, slots adjacent (false sharing)",
          .params = {increment_op_param()},
          .make = factory_for_op<PackedCounter>()};
}

Implementation sharded_padded() {
  return {.name = "sharded_padded",
          .doc = "one slot per thread, each padded to pad_bytes",
          .params = {increment_op_param(),
                     {.name = "pad_bytes",
                      .type = ParamType::bytes,
                      .default_value = std::int64_t{64},
                      .doc = "bytes between slots: 64 = one cache line, 128 = adjacent-line pair",
                      .unit = "B",
                      .min = 8,
                      .max = 4096}},
          .make = factory_for_op<PaddedCounter>()};
}

}  // namespace velo::counters

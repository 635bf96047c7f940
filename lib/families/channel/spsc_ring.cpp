// spsc_ring: a single-producer single-consumer bounded ring (Lamport's queue) with
// the refinements of Lee, Bu & Chandramouli, "A Fast and Concurrent Lock-Free Ring
// Buffer" (MCRingBuffer, 2009): the producer's index and the consumer's index live
// on separate cache lines, and each side keeps a private copy of the other's index,
// re-reading the shared one only when the copy says the ring is full (producer) or
// empty (consumer). In the steady state a transfer touches no line the other side
// is writing, except the slot itself.
//
// Invariants: indices only grow (wrap-around by masking, capacity a power of two);
// 0 <= tail - head <= capacity; a slot is written only by the producer while
// tail - head < capacity and read only by the consumer while head < tail; the
// release store of an index publishes the slots before it.
#include <atomic>
#include <cstdint>
#include <memory>

#include "families/channel/channel.hpp"
#include "families/channel/channel_workload.hpp"
#include "families/channel/waiting.hpp"

namespace velo::channel {
namespace {

template <typename M>
class SpscRing {
 public:
  using Message = M;
  explicit SpscRing(const ChannelConfig& config)
      : capacity_(static_cast<std::uint64_t>(config.capacity)),
        mask_(capacity_ - 1),
        slots_(std::make_unique<M[]>(capacity_)) {}

  bool try_push(int sender, const M& message) { return try_push_bulk(sender, &message, 1) == 1; }
  bool try_pop(int receiver, M& out) { return try_pop_bulk(receiver, &out, 1) == 1; }

  std::size_t try_push_bulk(int, const M* messages, std::size_t n) {
    const std::uint64_t tail = producer_.tail.load(std::memory_order_relaxed);
    if (tail - producer_.cached_head + n > capacity_) {
      producer_.cached_head = consumer_.head.load(std::memory_order_acquire);
    }
    const std::uint64_t room = capacity_ - (tail - producer_.cached_head);
    const std::uint64_t count = std::min<std::uint64_t>(room, n);
    for (std::uint64_t i = 0; i < count; ++i) slots_[(tail + i) & mask_] = messages[i];
    if (count > 0) producer_.tail.store(tail + count, std::memory_order_release);
    return count;
  }

  std::size_t try_pop_bulk(int, M* out, std::size_t max) {
    const std::uint64_t head = consumer_.head.load(std::memory_order_relaxed);
    if (consumer_.cached_tail - head < max) {
      consumer_.cached_tail = producer_.tail.load(std::memory_order_acquire);
    }
    const std::uint64_t count = std::min<std::uint64_t>(consumer_.cached_tail - head, max);
    for (std::uint64_t i = 0; i < count; ++i) out[i] = slots_[(head + i) & mask_];
    if (count > 0) consumer_.head.store(head + count, std::memory_order_release);
    return count;
  }

 private:
  // 128 bytes: adjacent-line prefetchers fetch lines in pairs.
  struct alignas(128) ProducerSide {
    std::atomic<std::uint64_t> tail{0};
    std::uint64_t cached_head = 0;
  };
  struct alignas(128) ConsumerSide {
    std::atomic<std::uint64_t> head{0};
    std::uint64_t cached_tail = 0;
  };

  const std::uint64_t capacity_;
  const std::uint64_t mask_;
  const std::unique_ptr<M[]> slots_;
  ProducerSide producer_;
  ConsumerSide consumer_;
};

template <typename M>
using SpscChannel = Waiting<SpscRing<M>>;

}  // namespace

Implementation spsc_ring() {
  return {.name = "spsc_ring",
          .doc = "lock-free SPSC ring, indices on separate lines, each side caching the other's (MCRingBuffer)",
          .params = {wait_param(), batch_param()},
          .case_unsupported = [](const Params& params) -> std::optional<std::string> {
            if (params.integer("producers") != 1 || params.integer("consumers") != 1) {
              return "a single-producer single-consumer ring: needs producers = consumers = 1";
            }
            if (auto reason = common_unsupported(params, 1)) return reason;
            if (!is_power_of_two(params.integer("capacity"))) return "capacity must be a power of two (index masking)";
            return std::nullopt;
          },
          .make = channel_factory<SpscChannel>(true)};
}

}  // namespace velo::channel

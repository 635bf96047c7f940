// mpmc_ring: Dmitry Vyukov's bounded MPMC queue ("Bounded MPMC queue",
// 1024cores.net). Each slot carries a sequence number that says whose turn it is:
// seq == pos: free for the producer holding ticket pos; seq == pos + 1: full, for
// the consumer holding ticket pos. Producers and consumers take tickets with a CAS
// on their own counter (on separate cache lines), then own the slot until they
// publish the next sequence number with a release store. Slots are padded to a
// cache line so neighbouring transfers do not share one.
//
// Invariants: capacity a power of two and at least 2 (with one slot, "full for
// ticket pos" and "free for ticket pos + 1" would be the same sequence number);
// consumers take tickets in order, so each consumer sees any one producer's
// messages in the order they were sent.
#include <atomic>
#include <cstdint>
#include <memory>

#include "families/channel/channel.hpp"
#include "families/channel/channel_workload.hpp"
#include "families/channel/waiting.hpp"

namespace velo::channel {
namespace {

template <typename M>
class MpmcRing {
 public:
  using Message = M;
  explicit MpmcRing(const ChannelConfig& config)
      : mask_(static_cast<std::uint64_t>(config.capacity) - 1),
        cells_(std::make_unique<Cell[]>(static_cast<std::size_t>(config.capacity))) {
    for (std::uint64_t i = 0; i <= mask_; ++i) cells_[i].seq.store(i, std::memory_order_relaxed);
  }

  bool try_push(int, const M& message) {
    std::uint64_t pos = enqueue_pos_.load(std::memory_order_relaxed);
    for (;;) {
      Cell& cell = cells_[pos & mask_];
      const std::uint64_t seq = cell.seq.load(std::memory_order_acquire);
      const auto turn = static_cast<std::int64_t>(seq - pos);
      if (turn == 0) {
        if (enqueue_pos_.compare_exchange_weak(pos, pos + 1, std::memory_order_relaxed)) {
          cell.message = message;
          cell.seq.store(pos + 1, std::memory_order_release);
          return true;
        }
      } else if (turn < 0) {
        return false;  // full: the slot still holds the message of ticket pos - capacity
      } else {
        pos = enqueue_pos_.load(std::memory_order_relaxed);  // another producer took pos
      }
    }
  }

  bool try_pop(int, M& out) {
    std::uint64_t pos = dequeue_pos_.load(std::memory_order_relaxed);
    for (;;) {
      Cell& cell = cells_[pos & mask_];
      const std::uint64_t seq = cell.seq.load(std::memory_order_acquire);
      const auto turn = static_cast<std::int64_t>(seq - (pos + 1));
      if (turn == 0) {
        if (dequeue_pos_.compare_exchange_weak(pos, pos + 1, std::memory_order_relaxed)) {
          out = cell.message;
          cell.seq.store(pos + mask_ + 1, std::memory_order_release);
          return true;
        }
      } else if (turn < 0) {
        return false;  // empty: ticket pos has not been filled yet
      } else {
        pos = dequeue_pos_.load(std::memory_order_relaxed);
      }
    }
  }

 private:
  struct alignas(64) Cell {
    std::atomic<std::uint64_t> seq{0};
    M message;
  };

  const std::uint64_t mask_;
  const std::unique_ptr<Cell[]> cells_;
  alignas(128) std::atomic<std::uint64_t> enqueue_pos_{0};
  alignas(128) std::atomic<std::uint64_t> dequeue_pos_{0};
};

template <typename M>
using MpmcChannel = Waiting<MpmcRing<M>>;

}  // namespace

Implementation mpmc_ring() {
  return {.name = "mpmc_ring",
          .doc = "Vyukov's bounded MPMC ring: per-slot sequence numbers, slots padded to a cache line",
          .params = {wait_param()},
          .case_unsupported = [](const Params& params) -> std::optional<std::string> {
            if (auto reason = common_unsupported(params, 2)) return reason;
            if (!is_power_of_two(params.integer("capacity"))) return "capacity must be a power of two (index masking)";
            return std::nullopt;
          },
          .make = channel_factory<MpmcChannel>(true)};
}

}  // namespace velo::channel

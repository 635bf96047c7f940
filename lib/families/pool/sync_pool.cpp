// The design of Go's sync.Pool (src/sync/pool.go, poolqueue.go, Go 1.13+):
// - per thread (Go: per P) a `private` slot, used first by its owner alone, and a
//   `shared` lock-free dequeue: the owner pushes and pops at the head, other
//   threads steal from the tail (Go's poolDequeue: head and tail packed into one
//   64-bit word so owner and thieves agree on the last element with one CAS; a
//   thief clears the slot it took after its CAS, and the owner will not reuse a
//   slot until it is cleared);
// - Get: own private, own shared head, steal other threads' shared tails, then the
//   victim generation (own victim private, every victim shared tail), then New;
//   Put: own private if empty, else own shared head;
// - a victim generation: clear() (Go's poolCleanup, run at each GC with the world
//   stopped) frees the old victim and makes the current generation the victim, so
//   an object survives one clear() and is freed by the second if nobody took it.
//
// velo's clear() policy: once per Google Benchmark run, in begin_repetition, i.e.
// outside timing and while every thread is idle (the only moment velo's threads
// are stopped, as Go's world is; a clear inside run() would add a stop-the-world
// barrier to the measurement). Objects a run does not reuse are thus freed two
// runs later, as in Go with one GC per run.
//
// Differences from Go, kept small on purpose: Go chains dequeues that double in
// size when full; here each shared dequeue is one fixed ring big enough for every
// object a run can have outstanding, and a Put that still finds it full frees the
// object (counted as an allocation miss by the next Get).
#include <atomic>
#include <bit>
#include <memory>
#include <utility>

#include "families/pool/pool.hpp"
#include "families/pool/pool_workload.hpp"

namespace velo::pool {
namespace {

// Go's poolDequeue: single producer at the head, many consumers at the tail.
class PoolDequeue {
 public:
  explicit PoolDequeue(std::uint32_t capacity)
      : capacity_(capacity), slots_(std::make_unique<std::atomic<std::byte*>[]>(capacity)) {}

  // Owner only. False when full (or the slot is still being emptied by a thief).
  bool push_head(std::byte* object) {
    const std::uint64_t ends = head_tail_.load(std::memory_order_acquire);
    const std::uint32_t head = head_of(ends), tail = tail_of(ends);
    if (static_cast<std::uint32_t>(tail + capacity_) == head) return false;
    std::atomic<std::byte*>& slot = slots_[head & (capacity_ - 1)];
    if (slot.load(std::memory_order_acquire) != nullptr) return false;
    slot.store(object, std::memory_order_relaxed);
    head_tail_.fetch_add(std::uint64_t{1} << 32, std::memory_order_release);
    return true;
  }

  // Owner only: the newest object.
  std::byte* pop_head() {
    std::uint64_t ends = head_tail_.load(std::memory_order_relaxed);
    std::uint32_t head;
    for (;;) {
      head = head_of(ends);
      const std::uint32_t tail = tail_of(ends);
      if (head == tail) return nullptr;
      --head;
      if (head_tail_.compare_exchange_weak(ends, pack(head, tail), std::memory_order_acq_rel,
                                           std::memory_order_relaxed)) {
        break;
      }
    }
    std::atomic<std::byte*>& slot = slots_[head & (capacity_ - 1)];
    std::byte* object = slot.load(std::memory_order_relaxed);
    slot.store(nullptr, std::memory_order_relaxed);
    return object;
  }

  // Any thread: the oldest object.
  std::byte* pop_tail() {
    std::uint64_t ends = head_tail_.load(std::memory_order_acquire);
    std::uint32_t tail;
    for (;;) {
      const std::uint32_t head = head_of(ends);
      tail = tail_of(ends);
      if (head == tail) return nullptr;
      if (head_tail_.compare_exchange_weak(ends, pack(head, tail + 1), std::memory_order_acq_rel,
                                           std::memory_order_acquire)) {
        break;
      }
    }
    std::atomic<std::byte*>& slot = slots_[tail & (capacity_ - 1)];
    std::byte* object = slot.load(std::memory_order_acquire);
    slot.store(nullptr, std::memory_order_release);  // lets push_head reuse the slot
    return object;
  }

 private:
  static std::uint32_t head_of(std::uint64_t ends) { return static_cast<std::uint32_t>(ends >> 32); }
  static std::uint32_t tail_of(std::uint64_t ends) { return static_cast<std::uint32_t>(ends); }
  static std::uint64_t pack(std::uint32_t head, std::uint32_t tail) { return (std::uint64_t{head} << 32) | tail; }

  std::uint32_t capacity_;  // a power of two
  alignas(128) std::atomic<std::uint64_t> head_tail_{0};
  std::unique_ptr<std::atomic<std::byte*>[]> slots_;
};

class SyncPool {
 public:
  explicit SyncPool(const PoolSetup& setup)
      : object_bytes_(setup.object_bytes),
        threads_(static_cast<std::size_t>(setup.threads)),
        fresh_(setup.threads) {
    // Everything a run can have released and not yet taken again fits.
    const auto outstanding = threads_ * (static_cast<std::size_t>(setup.live) + mailbox_capacity);
    const auto capacity = static_cast<std::uint32_t>(std::bit_ceil(std::max<std::size_t>(outstanding, 64)));
    for (std::size_t i = 0; i < threads_; ++i) {
      primary_.push_back(std::make_unique<Local>(capacity));
      victim_.push_back(std::make_unique<Local>(capacity));
    }
  }
  ~SyncPool() {
    clear();
    clear();
  }
  SyncPool(const SyncPool&) = delete;
  SyncPool& operator=(const SyncPool&) = delete;

  std::byte* take(int member) {
    Local& local = *primary_[static_cast<std::size_t>(member)];
    if (std::byte* object = std::exchange(local.private_object, nullptr)) return object;
    if (std::byte* object = local.shared.pop_head()) return object;
    return take_slow(static_cast<std::size_t>(member));
  }

  void give(int member, std::byte* object) {
    Local& local = *primary_[static_cast<std::size_t>(member)];
    if (local.private_object == nullptr) {
      local.private_object = object;
    } else if (!local.shared.push_head(object)) {
      delete_object(object, object_bytes_);
    }
  }

  void between_runs() { clear(); }

  std::optional<std::int64_t> fresh_allocations() const { return fresh_.total(); }

 private:
  struct alignas(128) Local {
    explicit Local(std::uint32_t capacity) : shared(capacity) {}
    std::byte* private_object = nullptr;  // owner only
    PoolDequeue shared;
  };
  using Generation = std::vector<std::unique_ptr<Local>>;

  std::byte* take_slow(std::size_t member) {
    for (std::size_t i = 1; i < threads_; ++i) {
      if (std::byte* object = primary_[(member + i) % threads_]->shared.pop_tail()) return object;
    }
    Local& victim = *victim_[member];
    if (std::byte* object = std::exchange(victim.private_object, nullptr)) return object;
    for (std::size_t i = 0; i < threads_; ++i) {
      if (std::byte* object = victim_[(member + i) % threads_]->shared.pop_tail()) return object;
    }
    fresh_.add(member);
    return new_object(object_bytes_);
  }

  // Go's poolCleanup. Only while no thread uses the pool.
  void clear() {
    for (auto& local : victim_) {
      if (std::byte* object = std::exchange(local->private_object, nullptr)) delete_object(object, object_bytes_);
      while (std::byte* object = local->shared.pop_head()) delete_object(object, object_bytes_);
    }
    std::swap(primary_, victim_);
  }

  std::size_t object_bytes_;
  std::size_t threads_;
  Generation primary_;
  Generation victim_;
  FreshCount fresh_;
};

}  // namespace

Implementation sync_pool() {
  return {.name = "sync_pool",
          .doc = "Go's sync.Pool design: per-thread private slot + stealable dequeue, victim generation",
          .make = factory_for<SyncPool>()};
}

}  // namespace velo::pool

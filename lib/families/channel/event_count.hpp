// An eventcount: lets a thread sleep until a lock-free queue's state changes
// without the fast path taking a lock, and without lost wake-ups.
//
// Design: Dmitry Vyukov's eventcount (also folly::EventCount). A waiter
//   1. registers (waiters += 1), 2. reads the epoch as its key,
//   3. re-checks the condition (e.g. tries the pop again), and only then
//   4. sleeps on the epoch word (a futex) until it changes.
// A notifier, after making the condition true (the push is published),
//   reads `waiters` and, only if someone registered, bumps the epoch and wakes all.
// Why no wake-up is lost: registration (1) and the notifier's publication are
// separated from the opposite reads (3, and the notifier's read of `waiters`) by
// seq_cst fences, so at least one side sees the other: either the notifier sees the
// waiter and bumps the epoch (the sleep in 4 returns at once: the key is stale), or
// the waiter's re-check in 3 sees the published item.
//
// Under ThreadSanitizer, which does not model standalone fences, the notifier reads
// `waiters` with a seq_cst read-modify-write instead: the waiter's registration then
// synchronizes with it directly (a happens-before edge TSAN can see). Both forms are
// correct; the fence form keeps the notifier's cache line shared in the fast path.
#pragma once

#include <atomic>
#include <cstdint>

#include "threads/futex.hpp"

namespace velo::channel {

class EventCount {
 public:
  using Key = std::uint32_t;

  Key prepare_wait() {
    waiters_.fetch_add(1, std::memory_order_seq_cst);
#if !defined(__SANITIZE_THREAD__)
    std::atomic_thread_fence(std::memory_order_seq_cst);
#endif
    return epoch_.load(std::memory_order_acquire);
  }
  // The re-check succeeded: leave without sleeping.
  void cancel_wait() { waiters_.fetch_sub(1, std::memory_order_relaxed); }
  // The re-check failed: sleep until a notify after prepare_wait().
  void wait(Key key) {
    while (epoch_.load(std::memory_order_acquire) == key) futex_wait(epoch_, key);
    waiters_.fetch_sub(1, std::memory_order_relaxed);
  }

  // Call after publishing the change the waiters are waiting for.
  void notify_all() {
#if defined(__SANITIZE_THREAD__)
    const bool anyone = waiters_.fetch_add(0, std::memory_order_seq_cst) != 0;
#else
    std::atomic_thread_fence(std::memory_order_seq_cst);
    const bool anyone = waiters_.load(std::memory_order_relaxed) != 0;
#endif
    if (anyone) {
      epoch_.fetch_add(1, std::memory_order_acq_rel);
      futex_wake(&epoch_);
    }
  }

 private:
  alignas(64) std::atomic<std::uint32_t> waiters_{0};
  std::atomic<Key> epoch_{0};
};

}  // namespace velo::channel

// The Go runtime's internal lock (runtime.mutex as lock2/unlock2 in Go 1.19's
// runtime/lock_futex.go), which guards every hchan; written for velo from that
// design, not copied.
//
// One 32-bit word with three states: unlocked, locked (no one asleep on it) and
// sleeping (locked, and some thread may be asleep in the kernel on it). lock():
//   1. grab: swap in `locked`; if the word was unlocked, done;
//   2. spin: kActiveSpin times, try to take the word whenever it reads unlocked, then
//      pause kActiveSpinCount times (Go's procyield(30));
//   3. yield: kPassiveSpin times, the same test, then give the CPU up (osyield);
//   4. sleep: swap in `sleeping`; if the word was unlocked, the lock is ours (the
//      word now says sleeping, which costs at most one needless wake later); else
//      sleep in the kernel while the word reads sleeping, and start again at 2.
// A thread that ever saw `sleeping` must leave the word `sleeping` when it takes the
// lock (it takes it with a compare-and-swap from unlocked to what it saw), so a
// sleeper's wake-up is never lost. unlock() swaps in `unlocked` and makes the wake
// system call only if the word said sleeping.
//
// Why not std::mutex: glibc's mutex sleeps in the kernel at the first failed
// attempt, so two threads trading a lock that is held for tens of nanoseconds pay
// microseconds of sleeps and wake-ups; Go's lock rides out such short holds spinning.
#pragma once

#include <sched.h>

#include <atomic>
#include <cstdint>

#include "threads/futex.hpp"
#include "threads/spin.hpp"

namespace velo::channel {

class GoRuntimeLock {
 public:
  void lock() {
    std::uint32_t seen = word_.exchange(kLocked, std::memory_order_acquire);
    if (seen == kUnlocked) return;
    // What to leave in the word when we take it: `sleeping` once anyone may sleep.
    std::uint32_t wait = seen;
    for (;;) {
      for (int i = 0; i < kActiveSpin; ++i) {
        if (try_take(wait)) return;
        for (int p = 0; p < kActiveSpinCount; ++p) cpu_relax();
      }
      for (int i = 0; i < kPassiveSpin; ++i) {
        if (try_take(wait)) return;
        sched_yield();
      }
      if (word_.exchange(kSleeping, std::memory_order_acquire) == kUnlocked) return;
      wait = kSleeping;
      futex_wait(word_, kSleeping);
    }
  }

  void unlock() {
    if (word_.exchange(kUnlocked, std::memory_order_release) == kSleeping) futex_wake(&word_, 1);
  }

  bool try_lock() {
    std::uint32_t expected = kUnlocked;
    return word_.compare_exchange_strong(expected, kLocked, std::memory_order_acquire, std::memory_order_relaxed);
  }

 private:
  static constexpr std::uint32_t kUnlocked = 0, kLocked = 1, kSleeping = 2;
  // Go's active_spin, active_spin_cnt and passive_spin.
  static constexpr int kActiveSpin = 4;
  static constexpr int kActiveSpinCount = 30;
  static constexpr int kPassiveSpin = 1;

  // While the word reads unlocked, try to move it to `wait`.
  bool try_take(std::uint32_t wait) {
    while (word_.load(std::memory_order_relaxed) == kUnlocked) {
      std::uint32_t expected = kUnlocked;
      if (word_.compare_exchange_weak(expected, wait, std::memory_order_acquire, std::memory_order_relaxed)) {
        return true;
      }
    }
    return false;
  }

  std::atomic<std::uint32_t> word_{kUnlocked};
};

}  // namespace velo::channel

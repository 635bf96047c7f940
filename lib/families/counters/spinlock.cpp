// A test-and-test-and-set spinlock around a plain integer: waiters spin on a
// plain load (which stays in their cache) and only attempt the exchange when the
// lock looks free, so a contended lock does not saturate the interconnect.
// It never sleeps: with more threads than cores, a preempted holder makes every
// waiter burn its time slice, which is exactly what this variant shows.
#include <atomic>
#include <cstdint>

#include "families/counters/counter_workload.hpp"
#include "families/counters/counters.hpp"
#include "threads/spin.hpp"

namespace velo::counters {
namespace {

class TtasLock {
 public:
  void lock() {
    for (;;) {
      if (!locked_.exchange(true, std::memory_order_acquire)) return;
      while (locked_.load(std::memory_order_relaxed)) cpu_relax();
    }
  }
  void unlock() { locked_.store(false, std::memory_order_release); }

 private:
  std::atomic<bool> locked_{false};
};

struct SpinlockCounter {
  SpinlockCounter(int, const Params&) {}
  void add(int) {
    lock.lock();
    ++value;
    lock.unlock();
  }
  void flush(int) {}
  std::uint64_t total() const { return value; }  // read after the team joined
  TtasLock lock;
  std::uint64_t value = 0;
};

}  // namespace

Implementation spinlock() {
  return {.name = "spinlock",
          .doc = "a plain integer under a test-and-test-and-set spinlock",
          .make = factory_for<SpinlockCounter>()};
}

}  // namespace velo::counters

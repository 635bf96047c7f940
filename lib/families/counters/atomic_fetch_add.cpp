// One shared std::atomic incremented with fetch_add: every increment is a locked
// read-modify-write on one cache line that all threads fight over.
#include <atomic>
#include <cstdint>

#include "families/counters/counter_workload.hpp"
#include "families/counters/counters.hpp"

namespace velo::counters {
namespace {

struct AtomicCounter {
  AtomicCounter(int, const Params&) {}
  void add(int) { value.fetch_add(1, std::memory_order_relaxed); }
  void flush(int) {}
  std::uint64_t total() const { return value.load(std::memory_order_relaxed); }
  std::atomic<std::uint64_t> value{0};
};

}  // namespace

Implementation atomic_fetch_add() {
  return {.name = "atomic_fetch_add",
          .doc = "one shared std::atomic, fetch_add per increment",
          .make = factory_for<AtomicCounter>()};
}

}  // namespace velo::counters

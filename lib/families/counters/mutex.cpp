// A plain integer guarded by std::mutex: the lock's own atomic plus, under
// contention, futex sleeps and wake-ups per increment.
#include <cstdint>
#include <mutex>

#include "families/counters/counter_workload.hpp"
#include "families/counters/counters.hpp"

namespace velo::counters {
namespace {

struct MutexCounter {
  MutexCounter(int, const Params&) {}
  void add(int) {
    std::lock_guard lock(mutex);
    ++value;
  }
  void flush(int) {}
  std::uint64_t total() const {
    std::lock_guard lock(mutex);
    return value;
  }
  mutable std::mutex mutex;
  std::uint64_t value = 0;
};

}  // namespace

Implementation mutex() {
  return {.name = "mutex",
          .doc = "a plain integer under std::mutex",
          .make = factory_for<MutexCounter>()};
}

}  // namespace velo::counters

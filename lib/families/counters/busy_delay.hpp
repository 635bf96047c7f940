// A calibrated busy delay: `delay_ns` of pure CPU work per operation, used to
// inject a known slowdown (the gate's A/B quality test) without sleeping, which
// would measure the scheduler instead.
#pragma once

#include <cstdint>

namespace velo::counters {

class BusyDelay {
 public:
  // Calibrates against the steady clock (a few milliseconds, outside timing).
  explicit BusyDelay(std::int64_t delay_ns);
  void operator()() const {
    for (std::int64_t i = 0; i < spins_; ++i) asm volatile("" ::: "memory");
  }
  std::int64_t spins() const { return spins_; }

 private:
  std::int64_t spins_ = 0;
};

}  // namespace velo::counters

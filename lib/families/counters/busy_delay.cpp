#include "families/counters/busy_delay.hpp"

#include <algorithm>
#include <chrono>
#include <vector>

namespace velo::counters {

namespace {
void spin(std::int64_t n) {
  for (std::int64_t i = 0; i < n; ++i) asm volatile("" ::: "memory");
}
}  // namespace

BusyDelay::BusyDelay(std::int64_t delay_ns) {
  if (delay_ns <= 0) return;
  using Clock = std::chrono::steady_clock;
  // The fastest of several trials: preemption and frequency dips only ever make a
  // trial slower, so the minimum is the machine's real rate (a median still moved
  // by tens of percent on a loaded VM).
  constexpr std::int64_t kTrialSpins = 1 << 20;
  std::vector<double> ns_per_spin;
  for (int trial = 0; trial < 7; ++trial) {
    const auto start = Clock::now();
    spin(kTrialSpins);
    const double ns = std::chrono::duration<double, std::nano>(Clock::now() - start).count();
    ns_per_spin.push_back(ns / kTrialSpins);
  }
  const double fastest = *std::min_element(ns_per_spin.begin(), ns_per_spin.end());
  spins_ = std::max<std::int64_t>(1, static_cast<std::int64_t>(delay_ns / fastest));
}

}  // namespace velo::counters

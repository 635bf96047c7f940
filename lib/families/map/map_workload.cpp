#include "families/map/map_workload.hpp"

#include <algorithm>

namespace velo::map {

double clock_overhead_ns() {
  using Clock = std::chrono::steady_clock;
  constexpr int kPairs = 1001;
  std::vector<double> ns(kPairs);
  for (double& each : ns) {
    const auto start = Clock::now();
    const auto end = Clock::now();
    each = std::chrono::duration<double, std::nano>(end - start).count();
  }
  std::nth_element(ns.begin(), ns.begin() + kPairs / 2, ns.end());
  return ns[kPairs / 2];
}

}  // namespace velo::map

// Per-operation-type latency from sampled operations. Timing every operation would
// double its cost (two clock reads), so a thread times one operation in `stride`
// with steady_clock and keeps the samples in buffers allocated up front: the
// stride is chosen per run so the buffers can never overflow, and recording a
// sample never allocates.
//
// A sample includes the cost of one clock read (reported as clock_overhead_ns in
// the case details), so short operations read high; compare variants, not the
// absolute figure.
#pragma once

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <vector>

#include "families/map/plan.hpp"

namespace velo::map {

class LatencySampler {
 public:
  static constexpr std::int64_t kCapacity = 1 << 14;  // samples per kind per thread
  static constexpr std::int64_t kMinStride = 32;

  LatencySampler() {
    for (auto& samples : samples_) samples.reserve(kCapacity);
  }

  // Sample one in `stride` of the next `ops` operations, never more than kCapacity.
  void start_run(std::int64_t ops) {
    stride_ = std::max(kMinStride, (ops + kCapacity - 1) / kCapacity);
    until_next_ = 1;  // the first op of a run is sampled, so tiny runs still see one
  }

  // True when the next operation should be timed.
  bool due() {
    if (--until_next_ != 0) return false;
    until_next_ = stride_;
    return true;
  }

  void record(OpKind kind, std::chrono::steady_clock::duration elapsed) {
    auto& samples = samples_[static_cast<int>(kind)];
    if (static_cast<std::int64_t>(samples.size()) < kCapacity) {
      samples.push_back(std::chrono::duration_cast<std::chrono::nanoseconds>(elapsed).count());
    }
  }

  void clear() {
    for (auto& samples : samples_) samples.clear();
  }
  const std::vector<std::int64_t>& samples(OpKind kind) const { return samples_[static_cast<int>(kind)]; }

 private:
  std::array<std::vector<std::int64_t>, kOpKinds> samples_;
  std::int64_t stride_ = kMinStride;
  std::int64_t until_next_ = 1;
};

// The q-quantile (0 < q < 1) of `samples` by the nearest-rank method; reorders them.
inline std::int64_t quantile(std::vector<std::int64_t>& samples, double q) {
  const auto n = static_cast<std::int64_t>(samples.size());
  auto rank = static_cast<std::int64_t>(std::ceil(q * static_cast<double>(n)));
  rank = std::clamp<std::int64_t>(rank, 1, n);
  std::nth_element(samples.begin(), samples.begin() + (rank - 1), samples.end());
  return samples[static_cast<std::size_t>(rank - 1)];
}

}  // namespace velo::map

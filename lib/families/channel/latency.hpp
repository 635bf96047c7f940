// Sampled latency: which messages get a timestamp, and percentiles of the samples.
//
// Stamping every message would add a clock read (~20-50 ns on a VM) to each item
// and change what is measured, so only every `stride`-th sequence number is
// stamped. The stride is a power of two, at least the given minimum, and grows
// for long runs so at most kMaxSamples per producer are kept in buffers sized once
// in the constructor (nothing is allocated in the measured region).
#pragma once

#include <algorithm>
#include <bit>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <vector>

namespace velo::channel {

inline constexpr std::int64_t kMaxSamples = 8192;

inline std::int64_t sample_stride(std::int64_t per_producer, std::int64_t min_stride) {
  const auto needed = static_cast<std::uint64_t>((per_producer + kMaxSamples - 1) / kMaxSamples);
  return std::max<std::int64_t>(min_stride, static_cast<std::int64_t>(std::bit_ceil(std::max<std::uint64_t>(needed, 1))));
}

// How many of `count` sequence numbers (0..count-1) a stride samples.
inline std::int64_t samples_in(std::int64_t count, std::int64_t stride) {
  return (count + stride - 1) / stride;
}

inline std::int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// Nearest-rank percentile of sorted samples, q in (0, 1].
inline double percentile_of_sorted(const std::vector<std::int64_t>& sorted, double q) {
  const auto n = static_cast<double>(sorted.size());
  const auto rank = static_cast<std::size_t>(std::max(1.0, std::ceil(q * n)));
  return static_cast<double>(sorted[std::min(rank, sorted.size()) - 1]);
}

}  // namespace velo::channel

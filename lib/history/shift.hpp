// How large a change point is: the relative change of the median from the segment
// before it to the segment after it, with a percentile-bootstrap confidence interval
// (Efron & Tibshirani, "An Introduction to the Bootstrap", 1993, ch. 13): both
// segments are resampled with replacement, independently, `resamples` times, and the
// interval is the (1-level)/2 and (1+level)/2 quantiles of the resampled changes.
// The generator is seeded (history/rng.hpp), so the interval is reproducible.
#pragma once

#include <cstdint>
#include <optional>
#include <span>

#include "stats/summary.hpp"

namespace velo::history {

struct ShiftOptions {
  double level = 0.95;
  int resamples = 999;
  std::uint64_t seed = 0x76656c6f;
};

struct Shift {
  double before = 0;    // median of the segment before
  double after = 0;     // median of the segment after
  // after / before - 1 (0.05 = 5% higher). Absent when `before` is 0.
  std::optional<double> relative;
  std::optional<stats::Interval> relative_ci;
};

// Both spans non-empty.
Shift estimate_shift(std::span<const double> before, std::span<const double> after, const ShiftOptions& options = {});

}  // namespace velo::history

// Small pure functions over samples (one value per repetition). Tested against
// exact values in tests/stats/.
#pragma once

#include <cstddef>
#include <span>
#include <vector>

namespace velo::stats {

double mean(std::span<const double> xs);
double median(std::span<const double> xs);
// Sample standard deviation (n - 1 denominator); 0 for fewer than two samples.
double stddev(std::span<const double> xs);
// stddev / mean; 0 when the mean is 0.
double coefficient_of_variation(std::span<const double> xs);
// Linear interpolation between order statistics (Hyndman & Fan type 7, as R and numpy).
double quantile(std::span<const double> xs, double q);

// A distribution-free confidence interval for the median from order statistics:
// the narrowest symmetric pair (x_(j), x_(n-j+1)) whose binomial(n, 1/2) coverage is
// at least `level`. With too few samples to reach `level` the interval is
// [min, max] and `level` holds the coverage actually achieved (e.g. 0.9375 for n=5).
struct Interval {
  double low = 0;
  double high = 0;
  double level = 0;
};
Interval median_confidence_interval(std::span<const double> xs, double level = 0.95);

struct Summary {
  std::size_t n = 0;
  double median = 0;
  double mean = 0;
  double stddev = 0;
  double cv = 0;  // coefficient of variation
  double min = 0;
  double max = 0;
  Interval ci;  // of the median
};
Summary summarize(std::span<const double> xs);

// A case is flagged unstable when its coefficient of variation exceeds this.
inline constexpr double kUnstableCv = 0.05;

}  // namespace velo::stats

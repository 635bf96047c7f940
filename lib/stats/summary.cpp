// Descriptive statistics over repetition samples and a distribution-free
// confidence interval for the median.
//
// The interval follows the classical order-statistic construction (Thompson 1936;
// tabulated in Campbell & Gardner, "Calculating confidence intervals for some
// non-parametric analyses", BMJ 1988;296:1454-6): for sorted samples x_(1..n), the
// number of samples below the true median is Binomial(n, 1/2), so
//     P(x_(j) <= median <= x_(n-j+1)) = 1 - 2 * P(B <= j - 1).
// It assumes nothing about the shape of the distribution, which suits timing data
// (skewed, with outliers) better than a mean +- t * s / sqrt(n) interval.
#include "stats/summary.hpp"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <numeric>

namespace velo::stats {
namespace {

std::vector<double> sorted_copy(std::span<const double> xs) {
  std::vector<double> sorted(xs.begin(), xs.end());
  std::sort(sorted.begin(), sorted.end());
  return sorted;
}

// Type 7 quantile of already sorted, non-empty samples.
double sorted_quantile(const std::vector<double>& sorted, double q) {
  q = std::clamp(q, 0.0, 1.0);
  const double h = static_cast<double>(sorted.size() - 1) * q;
  const auto below = static_cast<std::size_t>(std::floor(h));
  const std::size_t above = std::min(below + 1, sorted.size() - 1);
  return sorted[below] + (h - static_cast<double>(below)) * (sorted[above] - sorted[below]);
}

// P(B = i) for B ~ Binomial(n, 1/2). Up to kExactBinomialN the recurrence
// P(i+1) = P(i) (n - i) / (i + 1) from P(0) = 2^-n is exact (dyadic rationals with
// small numerators) and uses no libm, so reports are bit-identical across machines;
// beyond it 2^-n underflows, so log space takes over.
constexpr std::size_t kExactBinomialN = 1000;

class BinomialHalf {
 public:
  explicit BinomialHalf(std::size_t n) : n_(n), pmf_(std::ldexp(1.0, -static_cast<int>(n))) {}

  // P(B = i) for i = 0, 1, 2, ... on successive calls.
  double next() {
    double p = pmf_;
    if (n_ > kExactBinomialN) {
      const auto n = static_cast<double>(n_);
      const auto i = static_cast<double>(i_);
      p = std::exp(std::lgamma(n + 1) - std::lgamma(i + 1) - std::lgamma(n - i + 1) -
                   n * std::log(2.0));
    }
    pmf_ = pmf_ * static_cast<double>(n_ - i_) / static_cast<double>(i_ + 1);
    ++i_;
    return p;
  }

 private:
  std::size_t n_;
  std::size_t i_ = 0;
  double pmf_;
};

Interval interval_of_sorted(const std::vector<double>& sorted, double level) {
  assert(level > 0 && level < 1);
  const std::size_t n = sorted.size();
  if (n == 0) return {};
  // Widest pair first (j = 1: min and max); narrow while the next pair still covers.
  BinomialHalf pmf(n);
  double below_j = pmf.next();  // P(B <= j - 1) for j = 1
  std::size_t j = 1;
  double coverage = 1 - 2 * below_j;
  while (j + 1 <= n - j) {  // the next pair (j+1, n-j) is still a proper pair
    const double next_below = below_j + pmf.next();
    const double next_coverage = 1 - 2 * next_below;
    if (next_coverage < level) break;
    below_j = next_below;
    coverage = next_coverage;
    ++j;
  }
  return {sorted[j - 1], sorted[n - j], std::max(0.0, coverage)};
}

}  // namespace

double mean(std::span<const double> xs) {
  if (xs.empty()) return 0;
  return std::accumulate(xs.begin(), xs.end(), 0.0) / static_cast<double>(xs.size());
}

double median(std::span<const double> xs) { return quantile(xs, 0.5); }

double stddev(std::span<const double> xs) {
  if (xs.size() < 2) return 0;
  // Two passes: subtracting the mean first keeps the sum of squares accurate when
  // the spread is tiny relative to the values (nanoseconds around 1e9).
  const double m = mean(xs);
  double squares = 0;
  for (double x : xs) squares += (x - m) * (x - m);
  return std::sqrt(squares / static_cast<double>(xs.size() - 1));
}

double coefficient_of_variation(std::span<const double> xs) {
  const double m = mean(xs);
  if (m == 0) return 0;
  // |mean| so a metric with negative values is still judged by its relative spread.
  return stddev(xs) / std::fabs(m);
}

double quantile(std::span<const double> xs, double q) {
  if (xs.empty()) return 0;
  return sorted_quantile(sorted_copy(xs), q);
}

Interval median_confidence_interval(std::span<const double> xs, double level) {
  return interval_of_sorted(sorted_copy(xs), level);
}

Summary summarize(std::span<const double> xs) {
  Summary s;
  s.n = xs.size();
  if (xs.empty()) return s;
  const std::vector<double> sorted = sorted_copy(xs);
  s.median = sorted_quantile(sorted, 0.5);
  s.mean = mean(xs);
  s.stddev = stddev(xs);
  s.cv = coefficient_of_variation(xs);
  s.min = sorted.front();
  s.max = sorted.back();
  s.ci = interval_of_sorted(sorted, 0.95);
  return s;
}

}  // namespace velo::stats

#include "stats/signed_rank.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

namespace velo::stats {

namespace {

// Counts stay exact in a double up to 2^53 arrangements.
constexpr std::size_t kExactLimit = 50;

// Number of subsets of the ranks {1..n} with each rank sum: under the null every
// rank is positive or negative with probability 1/2, so W+ is such a subset's sum.
std::vector<double> w_frequencies(std::size_t n) {
  std::vector<double> counts(n * (n + 1) / 2 + 1, 0.0);
  counts[0] = 1;
  std::size_t top = 0;
  for (std::size_t rank = 1; rank <= n; ++rank) {
    top += rank;
    for (std::size_t s = top; s >= rank; --s) counts[s] += counts[s - rank];
  }
  return counts;
}

}  // namespace

double signed_rank_cdf(std::size_t n, double w) {
  if (w < 0) return 0;
  const auto counts = w_frequencies(n);
  double below = 0;
  for (std::size_t s = 0; s < counts.size() && static_cast<double>(s) <= w + 1e-9; ++s) below += counts[s];
  return below / std::ldexp(1.0, static_cast<int>(n));
}

double smallest_attainable_signed_rank_p(std::size_t n) {
  return std::min(1.0, std::ldexp(2.0, -static_cast<int>(std::min<std::size_t>(n, 1000))));
}

SignedRank wilcoxon_signed_rank(std::span<const double> differences) {
  SignedRank result;
  std::vector<double> nonzero;
  for (double d : differences) {
    if (d != 0 && !std::isnan(d)) nonzero.push_back(d);
  }
  const std::size_t n = nonzero.size();
  result.n = n;
  if (n == 0) return result;

  // Midranks of |d|; tie groups remembered for the variance correction.
  std::sort(nonzero.begin(), nonzero.end(), [](double a, double b) { return std::fabs(a) < std::fabs(b); });
  double tie_term = 0;  // sum over tie groups of t^3 - t
  for (std::size_t i = 0; i < n;) {
    std::size_t j = i;
    while (j < n && std::fabs(nonzero[j]) == std::fabs(nonzero[i])) ++j;
    const double t = static_cast<double>(j - i);
    const double midrank = (static_cast<double>(i + 1) + static_cast<double>(j)) / 2.0;
    for (std::size_t k = i; k < j; ++k) {
      if (nonzero[k] > 0) result.w_plus += midrank;
    }
    tie_term += t * t * t - t;
    i = j;
  }
  const double m = static_cast<double>(n);
  const double total = m * (m + 1) / 2;
  const bool had_zeros = n < differences.size();

  if (tie_term == 0 && !had_zeros && n <= kExactLimit) {
    const double smaller = std::min(result.w_plus, total - result.w_plus);
    result.p_value = std::min(1.0, 2 * signed_rank_cdf(n, smaller));
    result.exact = true;
    return result;
  }
  const double variance = m * (m + 1) * (2 * m + 1) / 24 - tie_term / 48;
  if (variance <= 0) return result;
  const double deviation = std::max(0.0, std::fabs(result.w_plus - total / 2) - 0.5);  // continuity correction
  result.p_value = std::min(1.0, std::erfc(deviation / std::sqrt(variance) / std::sqrt(2.0)));
  return result;
}

}  // namespace velo::stats

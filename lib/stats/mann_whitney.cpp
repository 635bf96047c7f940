#include "stats/mann_whitney.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <vector>

namespace velo::stats {

namespace {

constexpr std::size_t kExactLimit = 100;  // n1 + n2; counts stay well inside double range

// Number of arrangements of n1 x's and n2 y's for each value of U (0..n1*n2),
// by the recurrence f(m, n, u) = f(m - 1, n, u - n) + f(m, n - 1, u).
std::vector<double> u_frequencies(std::size_t n1, std::size_t n2) {
  // table[m][u] for the current n, built up one n at a time.
  std::vector<std::vector<double>> previous(n1 + 1), current(n1 + 1);
  for (std::size_t m = 0; m <= n1; ++m) previous[m] = {1.0};  // n = 0: only U = 0
  for (std::size_t n = 1; n <= n2; ++n) {
    current[0] = {1.0};
    for (std::size_t m = 1; m <= n1; ++m) {
      std::vector<double> row(m * n + 1, 0.0);
      // Largest element is a y: U unchanged, from (m, n - 1).
      for (std::size_t u = 0; u < previous[m].size(); ++u) row[u] += previous[m][u];
      // Largest element is an x: it beats all n y's, from (m - 1, n).
      for (std::size_t u = 0; u < current[m - 1].size(); ++u) row[u + n] += current[m - 1][u];
      current[m] = std::move(row);
    }
    std::swap(previous, current);
  }
  return previous[n1];
}

double choose(std::size_t n, std::size_t k) {
  double result = 1;
  k = std::min(k, n - k);
  for (std::size_t i = 1; i <= k; ++i) result = result * static_cast<double>(n - k + i) / static_cast<double>(i);
  return result;
}

}  // namespace

double mann_whitney_cdf(std::size_t n1, std::size_t n2, double u) {
  if (u < 0) return 0;
  const auto freq = u_frequencies(n1, n2);
  const double total = std::accumulate(freq.begin(), freq.end(), 0.0);
  double below = 0;
  for (std::size_t i = 0; i < freq.size() && static_cast<double>(i) <= u + 1e-9; ++i) below += freq[i];
  return below / total;
}

double smallest_attainable_p(std::size_t n1, std::size_t n2) {
  if (n1 == 0 || n2 == 0) return 1;
  return std::min(1.0, 2.0 / choose(n1 + n2, n1));
}

MannWhitney mann_whitney(std::span<const double> x, std::span<const double> y) {
  MannWhitney result;
  const std::size_t n1 = x.size(), n2 = y.size();
  if (n1 == 0 || n2 == 0) return result;

  // Midranks of the pooled sample; tie groups remembered for the variance correction.
  struct Item { double value; bool first; };
  std::vector<Item> pooled;
  pooled.reserve(n1 + n2);
  for (double v : x) pooled.push_back({v, true});
  for (double v : y) pooled.push_back({v, false});
  std::sort(pooled.begin(), pooled.end(), [](const Item& a, const Item& b) { return a.value < b.value; });
  double rank_sum_x = 0;
  double tie_term = 0;  // sum over tie groups of t^3 - t
  for (std::size_t i = 0; i < pooled.size();) {
    std::size_t j = i;
    while (j < pooled.size() && pooled[j].value == pooled[i].value) ++j;
    const double t = static_cast<double>(j - i);
    const double midrank = (static_cast<double>(i + 1) + static_cast<double>(j)) / 2.0;
    for (std::size_t k = i; k < j; ++k) {
      if (pooled[k].first) rank_sum_x += midrank;
    }
    tie_term += t * t * t - t;
    i = j;
  }
  const double a = static_cast<double>(n1), b = static_cast<double>(n2);
  result.u = rank_sum_x - a * (a + 1) / 2;
  const double mean_u = a * b / 2;

  if (tie_term == 0 && n1 + n2 <= kExactLimit) {
    const double smaller = std::min(result.u, a * b - result.u);
    result.p_value = std::min(1.0, 2 * mann_whitney_cdf(n1, n2, smaller));
    result.exact = true;
    return result;
  }
  const double n = a + b;
  const double variance = a * b / 12 * ((n + 1) - tie_term / (n * (n - 1)));
  if (variance <= 0) {  // every value equal: no evidence of any difference
    result.p_value = 1;
    return result;
  }
  const double deviation = std::max(0.0, std::fabs(result.u - mean_u) - 0.5);  // continuity correction
  result.p_value = std::min(1.0, std::erfc(deviation / std::sqrt(variance) / std::sqrt(2.0)));
  return result;
}

}  // namespace velo::stats

// The Wilcoxon signed-rank test, two-sided: are paired differences centred on zero?
// The paired counterpart of the Mann-Whitney U test. velo uses it on reports from
// one paired run (`velo run --baseline-velo`), where fork k of BASE and fork k of
// HEAD were measured back to back: the test sees each pair's difference, so
// interference that moved both sides of a pair cancels out (report/compare.hpp).
//
// p-values: the exact null distribution of W+ when no difference is zero, no two
// absolute differences tie and n <= 50; otherwise, as R's wilcox.test(paired = TRUE,
// exact = FALSE), zeros are dropped and the normal approximation is used with the
// tie correction and a continuity correction.
#pragma once

#include <cstddef>
#include <span>

namespace velo::stats {

struct SignedRank {
  double w_plus = 0;   // sum of the ranks of |d| over the positive differences
  std::size_t n = 0;   // differences used (zeros dropped)
  double p_value = 1;  // two-sided
  bool exact = false;  // exact distribution (true) or normal approximation
};

SignedRank wilcoxon_signed_rank(std::span<const double> differences);

// P(W+ <= w) under the null for n nonzero differences without ties (exact).
double signed_rank_cdf(std::size_t n, double w);

// The smallest two-sided p-value n pairs can produce (every difference of one
// sign): 2 / 2^n. Ten forks can at best reach 0.002.
double smallest_attainable_signed_rank_p(std::size_t n);

}  // namespace velo::stats

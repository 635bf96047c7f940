// The Mann-Whitney U test (Wilcoxon rank-sum), two-sided: does one sample tend to
// have larger values than the other? Distribution-free, which matters for timing
// samples (skewed, with outliers), and the test benchstat uses.
//
// p-values: the exact null distribution of U when there are no ties and both samples
// are small enough to enumerate (n1 + n2 <= 100), otherwise the normal approximation
// with tie correction and continuity correction (as R's wilcox.test(exact = FALSE)).
#pragma once

#include <cstddef>
#include <span>

namespace velo::stats {

struct MannWhitney {
  double u = 0;        // U of the first sample: pairs (x, y) with x > y, ties counting 1/2
  double p_value = 1;  // two-sided
  bool exact = false;  // exact distribution (true) or normal approximation
};

MannWhitney mann_whitney(std::span<const double> x, std::span<const double> y);

// The smallest two-sided p-value any pair of samples of these sizes can produce
// (complete separation, no ties): 2 / C(n1 + n2, n1). If it exceeds alpha, the test
// can never report a significant difference, whatever the data.
double smallest_attainable_p(std::size_t n1, std::size_t n2);

// P(U <= u) under the null for sample sizes n1, n2 without ties (exact).
double mann_whitney_cdf(std::size_t n1, std::size_t n2, double u);

}  // namespace velo::stats

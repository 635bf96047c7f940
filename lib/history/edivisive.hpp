// E-Divisive Means: nonparametric detection of change points in a series, the
// method MongoDB's performance CI and DataStax's Hunter run over the history of every
// benchmark. Written from the papers:
//
//   D. S. Matteson and N. A. James, "A Nonparametric Approach for Multiple Change
//   Point Analysis of Multivariate Data", JASA 109(505), 2014 (the energy statistic,
//   the divisive search and the permutation test);
//   D. Daly, W. Brown, H. Ingo, J. O'Leary and D. Bradford, "The Use of Change Point
//   Detection to Identify Software Performance Regressions in a Continuous
//   Integration System", ICPE 2020 (E-Divisive over per-commit results in CI);
//   M. Fleming, P. Kolaczkowski, I. Kumar, S. Das, S. Lanza and N. Bhattacharjee,
//   "Hunter: Using Change Point Detection to Hunt for Performance Regressions",
//   ICPE 2023 (why the randomness of the permutation test hurts in CI: here the
//   generator is seeded, so one history always gives the same answer).
//
// The method. For a split of the segment Z = (z_0 .. z_{n-1}) at tau into
// X = z_[0,tau) and Y = z_[tau,n), with d(a, b) = |a - b|^alpha, the empirical
// energy distance is
//   E(X, Y) = 2/(|X||Y|) sum d(x, y) - 1/C(|X|,2) sum_{i<k} d(x_i, x_k)
//                                     - 1/C(|Y|,2) sum_{j<k} d(y_j, y_k)
// and the statistic Q(tau) = |X||Y|/n * E(X, Y). The best split maximises Q over
// tau with both sides at least `min_segment` long. Divisive search: each round takes
// the best split over all current segments; it is accepted when a permutation test
// finds it significant: every segment is shuffled independently, the best Q over all
// segments recomputed, and p = (1 + #{permuted >= observed}) / (1 + permutations).
// The search stops at the first split that is not significant.
//
// One simplification against Matteson & James: the right end of a split is the end
// of its segment (their kappa is fixed to the segment's end, as in Daly et al.'s
// implementation), which makes the best split O(n^2) time and O(1) extra memory per
// segment: moving tau by one updates the three sums in O(n).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "core/result.hpp"

namespace velo::history {

struct EDivisiveOptions {
  // Exponent on distances, in (0, 2]: 1 (both papers' choice) weighs all differences
  // linearly; smaller values make the statistic less sensitive to outliers; 2 only
  // sees changes of the mean. The default, 0.25, found more of the shifts in
  // histories with the heavy-tailed noise of real reports at no cost with Gaussian
  // noise (docs/history.md, "Measured error rates").
  double alpha = 0.25;
  // Permutations per significance test. The smallest attainable p-value is
  // 1 / (permutations + 1), so it must be large enough for `significance`.
  int permutations = 199;
  // A split is accepted when its permutation p-value is at most this.
  double significance = 0.01;
  // Fewest points on either side of a change point (at least 2: the within-sample
  // sums need pairs). Larger values ignore short excursions.
  std::size_t min_segment = 5;
  std::uint64_t seed = 0x76656c6f;  // "velo": fixed, so results are reproducible
  std::size_t max_change_points = 256;
};

// Checks the ranges above; errors name the option.
Status validate(const EDivisiveOptions& options);

struct ChangePoint {
  std::size_t index = 0;  // first point of the new segment
  double statistic = 0;   // Q at the split
  double p_value = 1;     // permutation p-value when it was accepted
};

struct Split {
  std::size_t tau = 0;
  double q = 0;
};

// The split of `segment` maximising Q, or nullopt when it is shorter than
// 2 * min_segment. Ties keep the earliest tau.
std::optional<Split> best_split(std::span<const double> segment, double alpha, std::size_t min_segment);

// E(X, Y) computed directly from the definition, O(n^2) memory-free; for tests.
double energy_distance(std::span<const double> x, std::span<const double> y, double alpha);

// All significant change points, sorted by index. `options` must be valid.
std::vector<ChangePoint> e_divisive(std::span<const double> series, const EDivisiveOptions& options);

}  // namespace velo::history

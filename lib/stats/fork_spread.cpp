#include "stats/fork_spread.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "stats/summary.hpp"

namespace velo::stats {

ForkSpread fork_spread(std::span<const double> samples, std::span<const int> per_fork) {
  ForkSpread spread;
  const long total = std::accumulate(per_fork.begin(), per_fork.end(), 0L);
  if (per_fork.empty() || total != static_cast<long>(samples.size()) ||
      std::any_of(per_fork.begin(), per_fork.end(), [](int n) { return n < 1; })) {
    return spread;
  }
  std::vector<double> deviations;
  std::size_t at = 0;
  bool every_fork_has_two = true;
  for (int n : per_fork) {
    const auto fork = samples.subspan(at, static_cast<std::size_t>(n));
    const double m = median(fork);
    spread.medians.push_back(m);
    for (double x : fork) deviations.push_back(std::fabs(x - m));
    every_fork_has_two &= n >= 2;
    at += static_cast<std::size_t>(n);
  }
  spread.min_median = *std::min_element(spread.medians.begin(), spread.medians.end());
  spread.max_median = *std::max_element(spread.medians.begin(), spread.medians.end());
  spread.pooled_mad = median(deviations);
  spread.assessable = per_fork.size() >= 2 && every_fork_has_two;
  const double range = spread.max_median - spread.min_median;
  const double level = std::fabs(median(samples));
  spread.disagree = spread.assessable && range > kForkDisagreementMads * spread.pooled_mad &&
                    range >= kForkDisagreementFloor * level;
  return spread;
}

}  // namespace velo::stats

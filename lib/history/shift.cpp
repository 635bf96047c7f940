#include "history/shift.hpp"

#include <algorithm>
#include <cassert>
#include <vector>

#include "history/rng.hpp"

namespace velo::history {

namespace {

double resampled_median(std::span<const double> xs, Rng& rng, std::vector<double>& scratch) {
  scratch.resize(xs.size());
  for (double& x : scratch) x = xs[rng.below(xs.size())];
  return stats::median(scratch);
}

}  // namespace

Shift estimate_shift(std::span<const double> before, std::span<const double> after, const ShiftOptions& options) {
  assert(!before.empty() && !after.empty());
  Shift shift;
  shift.before = stats::median(before);
  shift.after = stats::median(after);
  if (shift.before == 0) return shift;
  shift.relative = shift.after / shift.before - 1;

  Rng rng(options.seed);
  std::vector<double> changes, scratch;
  changes.reserve(static_cast<std::size_t>(options.resamples));
  for (int r = 0; r < options.resamples; ++r) {
    const double b = resampled_median(before, rng, scratch);
    const double a = resampled_median(after, rng, scratch);
    if (b != 0) changes.push_back(a / b - 1);
  }
  if (changes.empty()) return shift;
  const double tail = (1 - options.level) / 2;
  shift.relative_ci = stats::Interval{stats::quantile(changes, tail), stats::quantile(changes, 1 - tail), options.level};
  return shift;
}

}  // namespace velo::history

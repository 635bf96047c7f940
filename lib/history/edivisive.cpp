// E-Divisive Means; the method and its sources are in edivisive.hpp.
#include "history/edivisive.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "history/rng.hpp"

namespace velo::history {

namespace {

// |a - b|^alpha. The exponents worth using have exact square-root forms, several
// times faster than std::pow in the O(n^2) loops below.
double distance(double a, double b, double alpha) {
  const double d = std::fabs(a - b);
  if (alpha == 1.0) return d;
  if (alpha == 0.5) return std::sqrt(d);
  if (alpha == 0.25) return std::sqrt(std::sqrt(d));
  return std::pow(d, alpha);
}

double pairs(std::size_t k) { return static_cast<double>(k) * static_cast<double>(k - 1) / 2.0; }

struct Segment {
  std::size_t begin = 0;
  std::size_t end = 0;
  std::optional<Split> best;  // of the unpermuted data
};

}  // namespace

Status validate(const EDivisiveOptions& options) {
  if (!(options.alpha > 0 && options.alpha <= 2)) {
    return make_error(fmt::format("alpha: expected a number in (0, 2], got {}", options.alpha));
  }
  if (options.permutations < 1 || options.permutations > 100000) {
    return make_error(fmt::format("permutations: expected 1..100000, got {}", options.permutations));
  }
  if (!(options.significance > 0 && options.significance < 1)) {
    return make_error(fmt::format("significance: expected a probability in (0, 1), got {}", options.significance));
  }
  if (1.0 / (options.permutations + 1) > options.significance) {
    return make_error(fmt::format("permutations: {} permutations cannot reach a p-value of {} (need at least {})",
                                  options.permutations, options.significance,
                                  static_cast<int>(std::ceil(1.0 / options.significance)) - 1));
  }
  if (options.min_segment < 2) {
    return make_error(fmt::format("min-segment: expected at least 2, got {}", options.min_segment));
  }
  return {};
}

double energy_distance(std::span<const double> x, std::span<const double> y, double alpha) {
  double between = 0, within_x = 0, within_y = 0;
  for (double a : x) {
    for (double b : y) between += distance(a, b, alpha);
  }
  for (std::size_t i = 0; i < x.size(); ++i) {
    for (std::size_t k = i + 1; k < x.size(); ++k) within_x += distance(x[i], x[k], alpha);
  }
  for (std::size_t i = 0; i < y.size(); ++i) {
    for (std::size_t k = i + 1; k < y.size(); ++k) within_y += distance(y[i], y[k], alpha);
  }
  const double nx = static_cast<double>(x.size()), ny = static_cast<double>(y.size());
  return 2 * between / (nx * ny) - within_x / pairs(x.size()) - within_y / pairs(y.size());
}

std::optional<Split> best_split(std::span<const double> z, double alpha, std::size_t min_segment) {
  const std::size_t n = z.size();
  if (min_segment < 2 || n < 2 * min_segment) return std::nullopt;
  // tau = 0: everything is on the right.
  double left = 0, right = 0, between = 0;
  for (std::size_t j = 0; j < n; ++j) {
    for (std::size_t k = j + 1; k < n; ++k) right += distance(z[j], z[k], alpha);
  }
  std::optional<Split> best;
  const double dn = static_cast<double>(n);
  for (std::size_t t = 0; t + min_segment < n; ++t) {
    // Move z[t] from the right side to the left.
    double to_left = 0, to_right = 0;
    for (std::size_t i = 0; i < t; ++i) to_left += distance(z[i], z[t], alpha);
    for (std::size_t j = t + 1; j < n; ++j) to_right += distance(z[t], z[j], alpha);
    left += to_left;
    right -= to_right;
    between += to_right - to_left;
    const std::size_t tau = t + 1;
    if (tau < min_segment) continue;
    const double nx = static_cast<double>(tau), ny = static_cast<double>(n - tau);
    const double e = 2 * between / (nx * ny) - left / pairs(tau) - right / pairs(n - tau);
    const double q = nx * ny / dn * e;
    if (!best || q > best->q) best = Split{tau, q};
  }
  return best;
}

std::vector<ChangePoint> e_divisive(std::span<const double> series, const EDivisiveOptions& options) {
  std::vector<ChangePoint> found;
  std::vector<Segment> segments{{0, series.size(), best_split(series, options.alpha, options.min_segment)}};
  Rng rng(options.seed);
  std::vector<double> scratch;
  // The permutation test stops early once p can no longer reach `significance`.
  const auto max_exceedances = static_cast<int>(std::floor(options.significance * (options.permutations + 1) + 1e-9)) - 1;

  while (found.size() < options.max_change_points) {
    Segment* chosen = nullptr;
    for (Segment& s : segments) {
      if (s.best && (!chosen || s.best->q > chosen->best->q)) chosen = &s;
    }
    if (!chosen) break;
    const double observed = chosen->best->q;

    int exceedances = 0;
    for (int r = 0; r < options.permutations && exceedances <= max_exceedances; ++r) {
      double permuted_max = -INFINITY;
      for (const Segment& s : segments) {
        if (!s.best) continue;
        scratch.assign(series.begin() + static_cast<std::ptrdiff_t>(s.begin),
                       series.begin() + static_cast<std::ptrdiff_t>(s.end));
        rng.shuffle(std::span<double>(scratch));
        if (auto split = best_split(scratch, options.alpha, options.min_segment)) {
          permuted_max = std::max(permuted_max, split->q);
        }
      }
      if (permuted_max >= observed) ++exceedances;
    }
    const double p = static_cast<double>(exceedances + 1) / (options.permutations + 1);
    if (exceedances > max_exceedances || p > options.significance) break;

    const std::size_t at = chosen->begin + chosen->best->tau;
    found.push_back({at, observed, p});
    const Segment whole = *chosen;
    auto make = [&](std::size_t begin, std::size_t end) {
      return Segment{begin, end,
                     best_split(series.subspan(begin, end - begin), options.alpha, options.min_segment)};
    };
    *chosen = make(whole.begin, at);
    segments.push_back(make(at, whole.end));
  }
  std::sort(found.begin(), found.end(), [](const ChangePoint& a, const ChangePoint& b) { return a.index < b.index; });
  return found;
}

}  // namespace velo::history

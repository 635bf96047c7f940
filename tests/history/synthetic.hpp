// Synthetic histories with known answers for the change-point tests: seeded, so
// every run of a test sees the same numbers.
#pragma once

#include <cmath>
#include <numbers>
#include <vector>

#include "history/rng.hpp"

namespace velo::testing {

class Normal {
 public:
  explicit Normal(std::uint64_t seed) : rng_(seed) {}
  // Box-Muller.
  double operator()(double mean, double sd) {
    const double u1 = (static_cast<double>(rng_.next() >> 11) + 0.5) / 9007199254740992.0;
    const double u2 = static_cast<double>(rng_.next() >> 11) / 9007199254740992.0;
    return mean + sd * std::sqrt(-2 * std::log(u1)) * std::cos(2 * std::numbers::pi * u2);
  }

 private:
  history::Rng rng_;
};

struct Step {
  std::size_t at;     // first index of the new level
  double factor;      // the level is multiplied by this from `at` on
};

// `n` points around `level` with relative noise `cv`, shifted by each step.
inline std::vector<double> stepped_series(std::size_t n, double level, double cv, const std::vector<Step>& steps,
                                          std::uint64_t seed) {
  Normal normal(seed);
  std::vector<double> out;
  for (std::size_t i = 0; i < n; ++i) {
    double center = level;
    for (const Step& s : steps) {
      if (i >= s.at) center *= s.factor;
    }
    out.push_back(normal(center, center * cv));
  }
  return out;
}

}  // namespace velo::testing

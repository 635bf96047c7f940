#include "families/map/zipfian.hpp"

#include <algorithm>
#include <cassert>
#include <cmath>

namespace velo::map {

namespace {
double zeta(std::uint64_t n, double theta) {
  double sum = 0;
  for (std::uint64_t i = 1; i <= n; ++i) sum += 1.0 / std::pow(static_cast<double>(i), theta);
  return sum;
}
}  // namespace

Zipfian::Zipfian(std::uint64_t n, double theta)
    : n_(n), theta_(theta), zeta_n_(zeta(n, theta)), alpha_(1.0 / (1.0 - theta)),
      half_pow_theta_(std::pow(0.5, theta)) {
  assert(n >= 1 && theta >= 0 && theta < 1);
  const double zeta_2 = zeta(std::min<std::uint64_t>(n, 2), theta);
  const double dn = static_cast<double>(n_);
  // With n <= 2 the closed form below divides by zero; the two explicit branches
  // of rank_for cover every draw then, so eta is never used.
  eta_ = n_ > 2 ? (1.0 - std::pow(2.0 / dn, 1.0 - theta_)) / (1.0 - zeta_2 / zeta_n_) : 0.0;
}

std::uint64_t Zipfian::rank_for(double u) const {
  const double uz = u * zeta_n_;
  if (uz < 1.0) return 0;
  if (n_ >= 2 && uz < 1.0 + half_pow_theta_) return 1;
  const double rank = static_cast<double>(n_) * std::pow(eta_ * u - eta_ + 1.0, alpha_);
  // pow() rounding can land on n itself for u close to 1.
  return std::min<std::uint64_t>(n_ - 1, static_cast<std::uint64_t>(rank));
}

}  // namespace velo::map

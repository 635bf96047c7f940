#include "families/map/zipfian.hpp"

#include <algorithm>
#include <cassert>
#include <cmath>

namespace velo::map {

namespace {

// log1p(x) / x and expm1(x) / x, continuous at x = 0 (where both are 1): they let
// H and its inverse be written once for every theta, including theta close to 1
// and theta = 0, without dividing by (1 - theta) directly.
double log1p_over_x(double x) { return std::abs(x) > 1e-8 ? std::log1p(x) / x : 1.0 - x / 2.0; }
double expm1_over_x(double x) { return std::abs(x) > 1e-8 ? std::expm1(x) / x : 1.0 + x / 2.0; }

}  // namespace

double zeta(std::uint64_t n, double theta) {
  double sum = 0;
  for (std::uint64_t i = 1; i <= n; ++i) sum += 1.0 / std::pow(static_cast<double>(i), theta);
  return sum;
}

// Rejection-inversion, Hörmann and Derflinger (1996): with q = 1 - theta,
//   h(x) = x^-theta,   H(x) = (x^q - 1) / q = log(x) * expm1(q log x) / (q log x),
//   H^-1(y) = exp(y * log1p(q y) / (q y)).
Zipfian::Zipfian(std::uint64_t n, double theta) : n_(n), theta_(theta) {
  assert(n >= 1 && theta >= 0 && theta < 1);
  h_integral_x1_ = H(1.5) - 1.0;
  h_integral_n_ = H(static_cast<double>(n_) + 0.5);
  s_ = 2.0 - H_inverse(H(2.5) - h(2.0));
}

double Zipfian::h(double x) const { return std::exp(-theta_ * std::log(x)); }

double Zipfian::H(double x) const {
  const double log_x = std::log(x);
  return expm1_over_x((1.0 - theta_) * log_x) * log_x;
}

double Zipfian::H_inverse(double y) const {
  const double t = std::max(-1.0, y * (1.0 - theta_));
  return std::exp(log1p_over_x(t) * y);
}

std::uint64_t Zipfian::try_rank(double u) const {
  // y uniform over (H(1.5) - 1, H(n + 0.5)]: the area under the hat, where the
  // strip [0.5, 1.5] is replaced by the exact mass h(1) of rank 1.
  const double y = h_integral_n_ + u * (h_integral_x1_ - h_integral_n_);
  const double x = H_inverse(y);
  const auto k = static_cast<std::uint64_t>(
      std::clamp(x + 0.5, 1.0, static_cast<double>(n_)));  // nearest rank, in [1, n]
  const double kd = static_cast<double>(k);
  // Accept if y lies in rank k's strip of the histogram: y >= H(k + 0.5) - h(k).
  if (kd - x <= s_ || y >= H(kd + 0.5) - h(kd)) return k;
  return 0;
}

GrayZipfian::GrayZipfian(std::uint64_t n, double theta)
    : n_(n), theta_(theta), zeta_n_(zeta(n, theta)), alpha_(1.0 / (1.0 - theta)),
      half_pow_theta_(std::pow(0.5, theta)) {
  assert(n >= 1 && theta >= 0 && theta < 1);
  const double zeta_2 = zeta(std::min<std::uint64_t>(n, 2), theta);
  const double dn = static_cast<double>(n_);
  // With n <= 2 the closed form below divides by zero; the two explicit branches
  // of rank_for cover every draw then, so eta is never used.
  eta_ = n_ > 2 ? (1.0 - std::pow(2.0 / dn, 1.0 - theta_)) / (1.0 - zeta_2 / zeta_n_) : 0.0;
}

std::uint64_t GrayZipfian::rank_for(double u) const {
  const double uz = u * zeta_n_;
  if (uz < 1.0) return 0;
  if (n_ >= 2 && uz < 1.0 + half_pow_theta_) return 1;
  const double rank = static_cast<double>(n_) * std::pow(eta_ * u - eta_ + 1.0, alpha_);
  // pow() rounding can land on n itself for u close to 1.
  return std::min<std::uint64_t>(n_ - 1, static_cast<std::uint64_t>(rank));
}

}  // namespace velo::map

// Zipfian ranks: rank r in [0, n) with probability proportional to 1 / (r + 1)^theta.
// Rank 0 is the hottest. Callers that want the hot items spread over the key space
// map ranks through a permutation (see plan.cpp: `zipf_scramble`); unlike YCSB's
// ScrambledZipfian, which hashes ranks modulo n and so merges some ranks, a
// permutation keeps the distribution exactly zipfian.
//
// Zipfian (what the map workload uses) is exact: rejection-inversion, after
// W. Hörmann and G. Derflinger, "Rejection-inversion to generate variates from
// monotone discrete distributions", ACM TOMACS 6(3), 1996. The continuous hat
// h(x) = x^-theta over [0.5, n + 0.5] is sampled by inverting its integral H; the
// draw is rounded to the nearest integer k and accepted when it falls under the
// histogram of the true probabilities (k^-theta over [k - 0.5, k + 0.5]), which
// is a one-comparison test for most draws (k - x <= s) and one H() otherwise. No
// table, no zeta(n): O(1) set-up and O(1) expected time per draw (a few log/exp).
//
// GrayZipfian is the approximation of Gray et al., "Quickly Generating
// Billion-Record Synthetic Databases" (SIGMOD 1994), as YCSB's ZipfianGenerator. It
// is kept only to show how far off it is: it places the first two ranks exactly
// by the CDF, then draws the rest from a continuous power law rescaled to fit, so
// with theta = 0.99 and n = 10^6 rank 2 comes out about 20% too often (see
// tests/families/map/zipf_test.cpp).
#pragma once

#include <cstdint>
#include <random>

namespace velo::map {

class Zipfian {
 public:
  // theta in [0, 1): 0 is uniform, YCSB's default is 0.99. n >= 1.
  Zipfian(std::uint64_t n, double theta);

  template <typename Rng>
  std::uint64_t operator()(Rng& rng) const {
    std::uniform_real_distribution<double> unit(0.0, 1.0);
    for (;;) {
      if (auto rank = try_rank(unit(rng))) return rank - 1;
    }
  }

  // One rejection-inversion attempt for a uniform draw u in [0, 1): the 1-based
  // rank if accepted, 0 if rejected. Exposed for tests and the on-the-fly streams.
  std::uint64_t try_rank(double u) const;

 private:
  double H(double x) const;         // integral of the hat x^-theta, up to a constant
  double H_inverse(double y) const;
  double h(double x) const;         // the hat itself

  std::uint64_t n_;
  double theta_;
  double h_integral_x1_;  // H(1.5) - h(1): the lower end of the search interval
  double h_integral_n_;   // H(n + 0.5): the upper end
  double s_;              // draws with k - x <= s are accepted without computing H(k + 0.5)
};

class GrayZipfian {
 public:
  GrayZipfian(std::uint64_t n, double theta);

  template <typename Rng>
  std::uint64_t operator()(Rng& rng) const {
    return rank_for(std::uniform_real_distribution<double>(0.0, 1.0)(rng));
  }

  // The rank for a uniform draw u in [0, 1).
  std::uint64_t rank_for(double u) const;

  double zeta_n() const { return zeta_n_; }

 private:
  std::uint64_t n_;
  double theta_;
  double zeta_n_;
  double alpha_;
  double eta_;
  double half_pow_theta_;
};

// sum over i in [1, n] of 1 / i^theta: the normalising constant of both.
double zeta(std::uint64_t n, double theta);

}  // namespace velo::map

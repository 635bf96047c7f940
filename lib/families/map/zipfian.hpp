// The zipfian generator of Gray et al., "Quickly Generating Billion-Record
// Synthetic Databases" (SIGMOD 1994), in the form YCSB uses (ZipfianGenerator):
// rank r in [0, n) is drawn with probability proportional to 1 / (r + 1)^theta.
// zeta(n) is computed once (O(n), outside timing); each draw is O(1): one uniform
// number, one pow().
//
// Rank 0 is the hottest. Callers that want the hot items spread over the key space
// map ranks through a permutation (see plan.cpp: `zipf_scramble`); unlike YCSB's
// ScrambledZipfian, which hashes ranks modulo n and so merges some ranks, a
// permutation keeps the distribution exactly zipfian.
#pragma once

#include <cstdint>
#include <random>

namespace velo::map {

class Zipfian {
 public:
  // theta in [0, 1): 0 is uniform, YCSB's default is 0.99. n >= 1.
  Zipfian(std::uint64_t n, double theta);

  template <typename Rng>
  std::uint64_t operator()(Rng& rng) {
    const double u = std::uniform_real_distribution<double>(0.0, 1.0)(rng);
    return rank_for(u);
  }

  // The rank for a uniform draw u in [0, 1); exposed for tests.
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

}  // namespace velo::map

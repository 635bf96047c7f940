// A small deterministic random number generator for the permutation test and the
// bootstrap: the same seed gives the same change points on every machine and every
// standard library (std::shuffle and the std distributions are not specified
// bit-for-bit, so they are not used). SplitMix64 (Steele, Lea & Flood, "Fast
// splittable pseudorandom number generators", OOPSLA 2014), written from the paper.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <utility>

namespace velo::history {

class Rng {
 public:
  explicit Rng(std::uint64_t seed) : state_(seed) {}

  std::uint64_t next() {
    std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }

  // Uniform in [0, bound), bound > 0, without modulo bias (rejection).
  std::uint64_t below(std::uint64_t bound) {
    const std::uint64_t limit = UINT64_MAX - UINT64_MAX % bound;
    std::uint64_t x = next();
    while (x >= limit) x = next();
    return x % bound;
  }

  // Fisher-Yates.
  template <typename T>
  void shuffle(std::span<T> xs) {
    for (std::size_t i = xs.size(); i > 1; --i) {
      std::swap(xs[i - 1], xs[below(i)]);
    }
  }

 private:
  std::uint64_t state_;
};

}  // namespace velo::history

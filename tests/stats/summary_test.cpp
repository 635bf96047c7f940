// stats/summary against exact values. Hand-computed values are worked in the
// comments; the median intervals are checked against the published table of
// Campbell & Gardner, BMJ 1988;296:1454-6 (Table 1: ranks of the 95% interval and
// the exact coverage) and against exact binomial sums (coverage = 1 - 2 P(B <= j-1)).
#include <catch2/catch.hpp>

#include <cmath>
#include <vector>

#include "stats/summary.hpp"

using velo::stats::Interval;
using velo::stats::Summary;

namespace {

// x_i = i (1-based) in a scrambled order, so the order statistics are the ranks.
std::vector<double> scrambled_ranks(int n) {
  std::vector<double> xs;
  for (int i = 0; i < n; ++i) xs.push_back(static_cast<double>((i * 7) % n + 1));
  return xs;
}

}  // namespace

TEST_CASE("mean, median, stddev, cv on small hand-worked samples", "[stats]") {
  // 2,4,4,4,5,5,7,9: mean 40/8 = 5; squared deviations sum to 32; 32/7 -> sqrt = 2.13809.
  const std::vector<double> xs = {9, 4, 2, 5, 4, 7, 4, 5};
  CHECK(velo::stats::mean(xs) == 5.0);
  CHECK(velo::stats::median(xs) == 4.5);  // (4 + 5) / 2 after sorting
  CHECK(velo::stats::stddev(xs) == Approx(2.138089935299395).epsilon(1e-15));
  CHECK(velo::stats::coefficient_of_variation(xs) == Approx(2.138089935299395 / 5).epsilon(1e-15));

  // The google/benchmark statistics test's sample: stddev 1.42302494707577.
  const std::vector<double> gb = {1.5, 2.4, 3.3, 4.2, 5.1};
  CHECK(velo::stats::stddev(gb) == Approx(1.42302494707577).epsilon(1e-13));
  CHECK(velo::stats::median(gb) == 3.3);
}

TEST_CASE("degenerate inputs give zeros, not NaN", "[stats]") {
  const std::vector<double> none;
  CHECK(velo::stats::mean(none) == 0);
  CHECK(velo::stats::median(none) == 0);
  CHECK(velo::stats::stddev(none) == 0);
  CHECK(velo::stats::coefficient_of_variation(none) == 0);
  CHECK(velo::stats::quantile(none, 0.3) == 0);

  const std::vector<double> one = {42};
  CHECK(velo::stats::stddev(one) == 0);
  CHECK(velo::stats::median(one) == 42);

  const std::vector<double> zeros = {0, 0, 0};
  CHECK(velo::stats::coefficient_of_variation(zeros) == 0);

  // A negative-valued metric is judged by its relative spread: cv >= 0.
  const std::vector<double> negative = {-1, -3};  // mean -2, stddev sqrt(2)
  CHECK(velo::stats::coefficient_of_variation(negative) == Approx(std::sqrt(2.0) / 2));
}

TEST_CASE("quantile is Hyndman-Fan type 7 (R's default, numpy's linear)", "[stats]") {
  const std::vector<double> xs = scrambled_ranks(10);  // 1..10
  // h = (n - 1) q: q = 0.25 -> h = 2.25 -> x3 + 0.25 (x4 - x3) = 3.25 (numpy.percentile(1..10, 25)).
  CHECK(velo::stats::quantile(xs, 0.25) == Approx(3.25));
  CHECK(velo::stats::quantile(xs, 0.9) == Approx(9.1));  // R: quantile(1:10, 0.9) = 9.1
  CHECK(velo::stats::quantile(xs, 0.0) == 1);
  CHECK(velo::stats::quantile(xs, 1.0) == 10);
  CHECK(velo::stats::quantile(xs, 0.5) == 5.5);
}

TEST_CASE("median interval: too few samples give [min, max] with the true coverage", "[stats]") {
  SECTION("n = 0") {
    const Interval ci = velo::stats::median_confidence_interval(std::vector<double>{});
    CHECK(ci.low == 0);
    CHECK(ci.high == 0);
    CHECK(ci.level == 0);
  }
  SECTION("n = 1: a single point covers the median with probability 0") {
    const Interval ci = velo::stats::median_confidence_interval(std::vector<double>{7});
    CHECK(ci.low == 7);
    CHECK(ci.high == 7);
    CHECK(ci.level == 0);
  }
  SECTION("n = 2: 1 - 2 (1/4) = 0.5") {
    const Interval ci = velo::stats::median_confidence_interval(std::vector<double>{9, 3});
    CHECK(ci.low == 3);
    CHECK(ci.high == 9);
    CHECK(ci.level == Approx(0.5).epsilon(1e-12));
  }
  SECTION("n = 5: 1 - 2/32 = 0.9375 < 0.95") {
    const Interval ci = velo::stats::median_confidence_interval(scrambled_ranks(5));
    CHECK(ci.low == 1);
    CHECK(ci.high == 5);
    CHECK(ci.level == Approx(0.9375).epsilon(1e-12));
  }
}

TEST_CASE("median interval: ranks and coverage match the published table", "[stats]") {
  struct Row {
    int n;
    double low_rank, high_rank, coverage;
  };
  // Campbell & Gardner Table 1 (n = 6: 1 and 6, 96.9%; n = 10: 2 and 9, 97.9%;
  // n = 20: 6 and 15, 95.9%; n = 30: 10 and 21, 95.7%; n = 100: 40 and 61, 96.5%),
  // with the coverage as the exact binomial sum.
  const Row rows[] = {
      {6, 1, 6, 0.96875},
      {10, 2, 9, 0.978515625},
      {20, 6, 15, 0.95861053466796875},
      {30, 10, 21, 0.9572260547429323},
      {100, 40, 61, 0.9647997997822952},
  };
  for (const Row& row : rows) {
    DYNAMIC_SECTION("n = " << row.n) {
      const Interval ci = velo::stats::median_confidence_interval(scrambled_ranks(row.n));
      CHECK(ci.low == row.low_rank);
      CHECK(ci.high == row.high_rank);
      CHECK(ci.level == Approx(row.coverage).epsilon(1e-12));
    }
  }
}

TEST_CASE("median interval at another level", "[stats]") {
  // n = 10 at 90%: j = 3 covers 1 - 2 (1 + 10 + 45) / 1024 = 0.890625 < 0.90, so j = 2.
  Interval ci = velo::stats::median_confidence_interval(scrambled_ranks(10), 0.90);
  CHECK(ci.low == 2);
  CHECK(ci.level == Approx(0.978515625));
  // At 85% j = 3 is enough.
  ci = velo::stats::median_confidence_interval(scrambled_ranks(10), 0.85);
  CHECK(ci.low == 3);
  CHECK(ci.high == 8);
  CHECK(ci.level == Approx(0.890625));
}

TEST_CASE("ties: order statistics of tied samples", "[stats]") {
  // Sorted: 1 2 2 2 2 2 2 2 2 9 -> x_(2) = 2, x_(9) = 2.
  const std::vector<double> xs = {2, 9, 2, 2, 1, 2, 2, 2, 2, 2};
  const Summary s = velo::stats::summarize(xs);
  CHECK(s.median == 2);
  CHECK(s.ci.low == 2);
  CHECK(s.ci.high == 2);
  CHECK(s.ci.level == Approx(0.978515625));
  CHECK(s.min == 1);
  CHECK(s.max == 9);
}

TEST_CASE("summarize fills every field from unsorted samples", "[stats]") {
  SECTION("n = 0") {
    const Summary s = velo::stats::summarize(std::vector<double>{});
    CHECK(s.n == 0);
    CHECK(s.median == 0);
    CHECK(s.mean == 0);
    CHECK(s.ci.level == 0);
  }
  SECTION("n = 1") {
    const Summary s = velo::stats::summarize(std::vector<double>{3.5});
    CHECK(s.n == 1);
    CHECK(s.median == 3.5);
    CHECK(s.mean == 3.5);
    CHECK(s.stddev == 0);
    CHECK(s.cv == 0);
    CHECK(s.min == 3.5);
    CHECK(s.max == 3.5);
    CHECK(s.ci.low == 3.5);
    CHECK(s.ci.high == 3.5);
    CHECK(s.ci.level == 0);
  }
  SECTION("n = 6") {
    // 10 12 11 13 100 12 -> sorted 10 11 12 12 13 100; median 12; mean 158/6.
    const Summary s = velo::stats::summarize(std::vector<double>{10, 12, 11, 13, 100, 12});
    CHECK(s.n == 6);
    CHECK(s.median == 12);
    CHECK(s.mean == Approx(158.0 / 6));
    // Sum of squared deviations from 79/3: computed exactly as 6095.33.. / 5.
    double ss = 0;
    for (double x : {10.0, 12.0, 11.0, 13.0, 100.0, 12.0}) ss += (x - 158.0 / 6) * (x - 158.0 / 6);
    CHECK(s.stddev == Approx(std::sqrt(ss / 5)));
    CHECK(s.cv == Approx(std::sqrt(ss / 5) / (158.0 / 6)));
    CHECK(s.min == 10);
    CHECK(s.max == 100);
    CHECK(s.ci.low == 10);
    CHECK(s.ci.high == 100);
    CHECK(s.ci.level == Approx(0.96875));
  }
  SECTION("n = 20 unsorted") {
    const Summary s = velo::stats::summarize(scrambled_ranks(20));
    CHECK(s.median == 10.5);
    CHECK(s.mean == 10.5);
    CHECK(s.ci.low == 6);
    CHECK(s.ci.high == 15);
  }
}

TEST_CASE("median interval for large n (log-space binomial)", "[stats]") {
  // n = 2001: the exact binomial sum (Python: math.comb over 2**2001) puts the 95%
  // interval at ranks 957 and 1045; the normal approximation agrees:
  // (n + 1)/2 -+ 1.96 sqrt(n)/2 = 1001 -+ 43.8.
  const Interval ci = velo::stats::median_confidence_interval(scrambled_ranks(2001));
  CHECK(ci.level >= 0.95);
  CHECK(ci.level < 0.96);
  CHECK(ci.low == 957);
  CHECK(ci.high == 1045);
}

#include <catch2/catch.hpp>

#include <vector>

#include "stats/fork_spread.hpp"

using velo::stats::fork_spread;

TEST_CASE("forks that settled apart are flagged", "[stats][forks]") {
  // Fork medians 1.0 and 3.3 (velo's bimodal counters case), each fork tight.
  const std::vector<double> samples = {0.99, 1.00, 1.01, 3.29, 3.30, 3.31};
  const std::vector<int> per_fork = {3, 3};
  const auto s = fork_spread(samples, per_fork);
  CHECK(s.medians == std::vector<double>{1.00, 3.30});
  CHECK(s.min_median == 1.00);
  CHECK(s.max_median == 3.30);
  // Deviations from own fork median: 0.01, 0, 0.01, 0.01, 0, 0.01 -> median 0.01.
  CHECK(s.pooled_mad == Approx(0.01).epsilon(1e-9));
  CHECK(s.assessable);
  CHECK(s.disagree);
}

TEST_CASE("forks within their own noise agree", "[stats][forks]") {
  // Medians 10 and 10.5, range 0.5; deviations 1,1,1,1 -> MAD 1; 0.5 < 5.
  const std::vector<double> samples = {9, 11, 9.5, 11.5};
  const std::vector<int> per_fork = {2, 2};
  const auto s = fork_spread(samples, per_fork);
  CHECK(s.medians == std::vector<double>{10, 10.5});
  CHECK(s.pooled_mad == 1.0);
  CHECK(s.assessable);
  CHECK_FALSE(s.disagree);
}

TEST_CASE("the range must exceed five pooled MADs and 1% of the median", "[stats][forks]") {
  // Fork medians 100 and 105, every deviation 1: MAD 1, range exactly 5 MADs.
  const std::vector<double> at_limit = {99, 101, 104, 106};
  CHECK_FALSE(fork_spread(at_limit, std::vector<int>{2, 2}).disagree);
  const std::vector<double> beyond = {99, 101, 105, 107};  // range 6 > 5
  CHECK(fork_spread(beyond, std::vector<int>{2, 2}).disagree);
  // Range 10 > 5 MADs, but under 1% of the median (10005): not flagged.
  const std::vector<double> tiny = {9999, 10001, 10009, 10011};
  CHECK_FALSE(fork_spread(tiny, std::vector<int>{2, 2}).disagree);
}

TEST_CASE("forks of one sample are not assessable", "[stats][forks]") {
  const std::vector<double> samples = {1.0, 3.3, 1.0, 3.3};
  const auto s = fork_spread(samples, std::vector<int>{1, 1, 1, 1});
  CHECK(s.medians.size() == 4);
  CHECK(s.min_median == 1.0);
  CHECK(s.max_median == 3.3);
  CHECK_FALSE(s.assessable);
  CHECK_FALSE(s.disagree);
}

TEST_CASE("counts that do not match the samples give an empty spread", "[stats][forks]") {
  const std::vector<double> samples = {1, 2, 3};
  const auto s = fork_spread(samples, std::vector<int>{2, 2});
  CHECK(s.medians.empty());
  CHECK_FALSE(s.assessable);
}

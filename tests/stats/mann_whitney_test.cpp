// Mann-Whitney U against published values.
//
// Critical values: the two-sided alpha = 0.05 table of U (e.g. Siegel & Castellan,
// "Nonparametric Statistics for the Behavioral Sciences", 2nd ed., Table J; the same
// values appear in most statistics textbooks): n1 = n2 = 5 -> 2, 6 -> 5, 7 -> 8,
// 8 -> 13, 10 -> 23, 20 -> 127. U at the critical value must give p <= 0.05 and one
// more must not.
// Exact p-values: R 4.x, wilcox.test(1:5, 6:10) -> W = 0, p = 0.007937 (= 2/252).
#include <catch2/catch.hpp>

#include <vector>

#include "stats/mann_whitney.hpp"
#include "stats/multiple_testing.hpp"

using velo::stats::mann_whitney;

namespace {

// Two samples of sizes n1, n2 with no ties whose U (of the first) is exactly `u`:
// start fully separated (x all below y, U = 0) and swap neighbours upward.
std::pair<std::vector<double>, std::vector<double>> samples_with_u(int n1, int n2, int u) {
  // Ranks 1..n1+n2; x holds ranks chosen so that sum(ranks of x) - n1(n1+1)/2 = u.
  std::vector<int> x_ranks(static_cast<std::size_t>(n1));
  for (int i = 0; i < n1; ++i) x_ranks[static_cast<std::size_t>(i)] = i + 1;
  int left = u;
  for (int i = n1 - 1; i >= 0 && left > 0; --i) {
    const int room = n2;  // each x can move past at most n2 y's
    const int step = std::min(left, room);
    x_ranks[static_cast<std::size_t>(i)] += step;
    left -= step;
  }
  std::vector<double> x, y;
  for (int r = 1; r <= n1 + n2; ++r) {
    if (std::find(x_ranks.begin(), x_ranks.end(), r) != x_ranks.end()) x.push_back(r);
    else y.push_back(r);
  }
  return {x, y};
}

}  // namespace

TEST_CASE("U and exact p for completely separated samples", "[mann_whitney]") {
  const std::vector<double> x{1, 2, 3, 4, 5}, y{6, 7, 8, 9, 10};
  const auto r = mann_whitney(x, y);
  CHECK(r.exact);
  CHECK(r.u == 0);
  CHECK(r.p_value == Approx(2.0 / 252).epsilon(1e-12));
  CHECK(mann_whitney(y, x).u == 25);
  CHECK(mann_whitney(y, x).p_value == Approx(2.0 / 252));
}

TEST_CASE("exact p-values match the published two-sided 0.05 critical values", "[mann_whitney]") {
  const std::vector<std::pair<int, int>> table{{5, 2}, {6, 5}, {7, 8}, {8, 13}, {10, 23}, {20, 127}};
  for (auto [n, critical] : table) {
    INFO("n1 = n2 = " << n << ", critical U = " << critical);
    auto [x, y] = samples_with_u(n, n, critical);
    auto at = mann_whitney(x, y);
    REQUIRE(at.u == critical);
    CHECK(at.exact);
    CHECK(at.p_value <= 0.05);
    auto [x2, y2] = samples_with_u(n, n, critical + 1);
    CHECK(mann_whitney(x2, y2).p_value > 0.05);
  }
}

TEST_CASE("the exact distribution is a distribution", "[mann_whitney]") {
  for (std::size_t n1 = 1; n1 <= 20; ++n1) {
    for (std::size_t n2 : {std::size_t{1}, std::size_t{3}, n1}) {
      CHECK(velo::stats::mann_whitney_cdf(n1, n2, static_cast<double>(n1 * n2)) == Approx(1.0));
      CHECK(velo::stats::mann_whitney_cdf(n1, n2, 0) == Approx(velo::stats::smallest_attainable_p(n1, n2) / 2)
                                                            .epsilon(1e-9));
      // Symmetric around n1*n2/2.
      const double k = std::floor(static_cast<double>(n1 * n2) / 3);
      CHECK(velo::stats::mann_whitney_cdf(n1, n2, k) ==
            Approx(1 - velo::stats::mann_whitney_cdf(n1, n2, static_cast<double>(n1 * n2) - k - 1)));
    }
  }
}

TEST_CASE("smallest attainable p tells when significance is impossible", "[mann_whitney]") {
  CHECK(velo::stats::smallest_attainable_p(3, 3) == Approx(0.1));     // 2 / C(6,3)
  CHECK(velo::stats::smallest_attainable_p(4, 4) == Approx(2.0 / 70));
  CHECK(velo::stats::smallest_attainable_p(5, 5) == Approx(2.0 / 252));
  CHECK(velo::stats::smallest_attainable_p(1, 1) == 1.0);
  CHECK(velo::stats::smallest_attainable_p(2, 20) == Approx(2.0 / 231));
  CHECK(velo::stats::smallest_attainable_p(0, 5) == 1.0);
}

TEST_CASE("ties use the normal approximation with tie and continuity correction", "[mann_whitney]") {
  // x = {1, 2, 2, 3}, y = {2, 3, 4, 5}. Pooled ranks: 1 -> 1; 2,2,2 -> 3; 3,3 -> 5.5;
  // 4 -> 7; 5 -> 8. R_x = 1 + 3 + 3 + 5.5 = 12.5, U = 12.5 - 10 = 2.5, mean 8.
  // Ties: groups of 3 and 2: sum t^3 - t = 24 + 6 = 30.
  // var = 16/12 * (9 - 30/56) = 11.285714; z = (5.5 - 0.5)/sqrt(var) = 1.488372;
  // p = erfc(z / sqrt 2) = 0.13666 (R: wilcox.test(x, y, exact = FALSE) -> p = 0.1367).
  const std::vector<double> x{1, 2, 2, 3}, y{2, 3, 4, 5};
  const auto r = mann_whitney(x, y);
  CHECK_FALSE(r.exact);
  CHECK(r.u == 2.5);
  CHECK(r.p_value == Approx(0.13666).margin(5e-5));
}

TEST_CASE("identical samples give p = 1", "[mann_whitney]") {
  const std::vector<double> x{4, 4, 4}, y{4, 4, 4};
  CHECK(mann_whitney(x, y).p_value == 1.0);
  const std::vector<double> a{1, 2, 3}, b{1, 2, 3};
  CHECK(mann_whitney(a, b).p_value == Approx(1.0));
  CHECK(mann_whitney(std::vector<double>{}, b).p_value == 1.0);
}

TEST_CASE("large samples without ties use the normal approximation", "[mann_whitney]") {
  std::vector<double> x, y;
  for (int i = 0; i < 60; ++i) {
    x.push_back(i * 2.0);
    y.push_back(i * 2.0 + 1.0);
  }
  const auto r = mann_whitney(x, y);
  CHECK_FALSE(r.exact);
  CHECK(r.p_value > 0.5);  // interleaved: no shift
}

TEST_CASE("Holm and Benjamini-Hochberg adjusted p-values", "[multiple_testing]") {
  using velo::stats::Correction;
  // Worked example (values checked with R's p.adjust):
  // p = 0.01, 0.04, 0.03, 0.005
  // holm: 0.03, 0.06, 0.06, 0.02      BH: 0.02, 0.04, 0.04, 0.02
  const std::vector<double> p{0.01, 0.04, 0.03, 0.005};
  const auto holm = velo::stats::adjust_p_values(p, Correction::holm);
  CHECK(holm[0] == Approx(0.03));
  CHECK(holm[1] == Approx(0.06));
  CHECK(holm[2] == Approx(0.06));
  CHECK(holm[3] == Approx(0.02));
  const auto bh = velo::stats::adjust_p_values(p, Correction::benjamini_hochberg);
  CHECK(bh[0] == Approx(0.02));
  CHECK(bh[1] == Approx(0.04));
  CHECK(bh[2] == Approx(0.04));
  CHECK(bh[3] == Approx(0.02));
  CHECK(velo::stats::adjust_p_values(p, Correction::none) == p);
  const std::vector<double> big{0.9, 0.8};
  CHECK(velo::stats::adjust_p_values(big, Correction::holm)[0] == 1.0);
}

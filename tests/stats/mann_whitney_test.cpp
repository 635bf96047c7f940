// Mann-Whitney U against published values.
//
// Critical values: the two-sided alpha = 0.05 table of U (e.g. Siegel & Castellan,
// "Nonparametric Statistics for the Behavioral Sciences", 2nd ed., Table J; the same
// values appear in most statistics textbooks): n1 = n2 = 5 -> 2, 6 -> 5, 7 -> 8,
// 8 -> 13, 10 -> 23, 20 -> 127. U at the critical value must give p <= 0.05 and one
// more must not.
// Exact p-values: R 4.x, wilcox.test(1:5, 6:10) -> W = 0, p = 0.007937 (= 2/252).
// R's ?wilcox.test example (data from Hollander & Wolfe, "Nonparametric Statistical
// Methods", 1973, p. 69): wilcox.test(x, y, alternative = "greater") -> W = 35,
// p = 0.1272, so the two-sided exact p is 0.2544.
// Independently computed: the exact null distribution against brute-force
// enumeration of every arrangement of n1 x's among n1 + n2 ranks (n1, n2 <= 7).
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <map>
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

TEST_CASE("critical values for unequal sizes, and no entry where the sizes are too small", "[mann_whitney]") {
  // The same table's rows n1 = 3 and 5 (two-sided alpha = 0.05), n2 from 2 to 20, and
  // n1 = 10, n2 from 5 to 20; -1 is the table's "-": no U is significant, because
  // 2 / C(n1 + n2, n1) > 0.05.
  const std::map<int, std::vector<int>> rows{
      {3, {-1, -1, -1, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8}},
      {5, {-1, 0, 1, 2, 3, 5, 6, 7, 8, 9, 11, 12, 13, 14, 15, 17, 18, 19, 20}},
  };
  const std::vector<int> row10_from5{8, 11, 14, 17, 20, 23, 26, 29, 33, 36, 39, 42, 45, 48, 52, 55};
  for (int n2 = 5; n2 <= 20; ++n2) {
    const int critical = row10_from5[static_cast<std::size_t>(n2 - 5)];
    INFO("n1 = 10, n2 = " << n2 << ", critical U = " << critical);
    auto [x, y] = samples_with_u(10, n2, critical);
    REQUIRE(mann_whitney(x, y).u == critical);
    CHECK(mann_whitney(x, y).p_value <= 0.05);
    auto [x2, y2] = samples_with_u(10, n2, critical + 1);
    CHECK(mann_whitney(x2, y2).p_value > 0.05);
  }
  for (int n1 : {3, 5}) {
    const auto& row = rows.at(n1);
    for (int n2 = 2; n2 <= 20; ++n2) {
      const int critical = row[static_cast<std::size_t>(n2 - 2)];
      INFO("n1 = " << n1 << ", n2 = " << n2 << ", critical U = " << critical);
      const double smallest = velo::stats::smallest_attainable_p(static_cast<std::size_t>(n1),
                                                                  static_cast<std::size_t>(n2));
      if (critical < 0) {
        CHECK(smallest > 0.05);
        continue;
      }
      CHECK(smallest <= 0.05);
      auto [x, y] = samples_with_u(n1, n2, critical);
      REQUIRE(mann_whitney(x, y).u == critical);
      CHECK(mann_whitney(x, y).p_value <= 0.05);
      auto [x2, y2] = samples_with_u(n1, n2, critical + 1);
      CHECK(mann_whitney(x2, y2).p_value > 0.05);
    }
  }
  // The diagonal: n = 2 and 3 have no entry; 4 -> 0 and the rest of the published column.
  const std::vector<int> diagonal{0, 2, 5, 8, 13, 17, 23, 30, 37, 45, 55, 64, 75, 87, 99, 113, 127};
  for (std::size_t n = 2; n <= 3; ++n) CHECK(velo::stats::smallest_attainable_p(n, n) > 0.05);
  for (int n = 4; n <= 20; ++n) {
    const int critical = diagonal[static_cast<std::size_t>(n - 4)];
    INFO("n1 = n2 = " << n << ", critical U = " << critical);
    auto [x, y] = samples_with_u(n, n, critical);
    CHECK(mann_whitney(x, y).p_value <= 0.05);
    auto [x2, y2] = samples_with_u(n, n, critical + 1);
    CHECK(mann_whitney(x2, y2).p_value > 0.05);
  }
}

TEST_CASE("R's wilcox.test example (Hollander & Wolfe)", "[mann_whitney]") {
  const std::vector<double> x{0.80, 0.83, 1.89, 1.04, 1.45, 1.38, 1.91, 1.64, 0.73, 1.46};
  const std::vector<double> y{1.15, 0.88, 0.90, 0.74, 1.21};
  const auto r = mann_whitney(x, y);
  CHECK(r.exact);
  CHECK(r.u == 35);
  CHECK(r.p_value == Approx(0.2544).margin(5e-5));
  CHECK(r.p_value == Approx(2 * (1 - velo::stats::mann_whitney_cdf(10, 5, 34))));
}

TEST_CASE("the exact distribution matches brute-force enumeration", "[mann_whitney]") {
  // Every way to place n1 x's among n1 + n2 ranks, equally likely under the null;
  // U counts (x, y) pairs with x above y.
  for (std::size_t n1 = 1; n1 <= 7; ++n1) {
    for (std::size_t n2 = 1; n2 <= 7; ++n2) {
      const std::size_t n = n1 + n2;
      std::vector<double> count(n1 * n2 + 1, 0.0);
      double total = 0;
      for (std::uint32_t mask = 0; mask < (1u << n); ++mask) {
        if (static_cast<std::size_t>(__builtin_popcount(mask)) != n1) continue;
        std::size_t u = 0, ys_below = 0;
        for (std::size_t rank = 0; rank < n; ++rank) {
          if (mask & (1u << rank)) u += ys_below;
          else ++ys_below;
        }
        count[u] += 1;
        total += 1;
      }
      double cumulative = 0;
      for (std::size_t u = 0; u <= n1 * n2; ++u) {
        cumulative += count[u];
        INFO("n1 = " << n1 << ", n2 = " << n2 << ", u = " << u);
        CHECK(velo::stats::mann_whitney_cdf(n1, n2, static_cast<double>(u)) == Approx(cumulative / total));
      }
    }
  }
}

TEST_CASE("n1, n2 = 1..20: complete separation gives exactly the smallest attainable p", "[mann_whitney]") {
  for (int n1 = 1; n1 <= 20; ++n1) {
    for (int n2 = 1; n2 <= 20; ++n2) {
      std::vector<double> x, y;
      for (int i = 0; i < n1; ++i) x.push_back(i);
      for (int i = 0; i < n2; ++i) y.push_back(100 + i);
      // 2 / C(n1 + n2, n1), computed here by Pascal's triangle.
      std::vector<std::vector<double>> pascal(static_cast<std::size_t>(n1 + n2 + 1));
      for (std::size_t r = 0; r < pascal.size(); ++r) {
        pascal[r].assign(r + 1, 1.0);
        for (std::size_t k = 1; k < r; ++k) pascal[r][k] = pascal[r - 1][k - 1] + pascal[r - 1][k];
      }
      const double expected = std::min(1.0, 2 / pascal[static_cast<std::size_t>(n1 + n2)][static_cast<std::size_t>(n1)]);
      INFO("n1 = " << n1 << ", n2 = " << n2);
      const auto below = mann_whitney(x, y);
      CHECK(below.exact);
      CHECK(below.u == 0);
      CHECK(below.p_value == Approx(expected).epsilon(1e-9));
      CHECK(mann_whitney(y, x).p_value == Approx(expected).epsilon(1e-9));
      CHECK(velo::stats::smallest_attainable_p(static_cast<std::size_t>(n1), static_cast<std::size_t>(n2)) ==
            Approx(expected).epsilon(1e-9));
    }
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

// Wilcoxon signed-rank against published values.
//
// Critical values: the two-sided alpha = 0.05 table of T (the smaller rank sum) for
// n = 6..20 (e.g. Siegel & Castellan, "Nonparametric Statistics for the Behavioral
// Sciences", 2nd ed., Table H; the same values appear in most statistics
// textbooks). T at the critical value must give p <= 0.05 and one more must not.
// Exact p-value: R's ?wilcox.test example (data from Hollander & Wolfe,
// "Nonparametric Statistical Methods", 1973, p. 29): wilcox.test(x, y, paired = TRUE,
// alternative = "greater") -> V = 40, p = 0.01953, so the two-sided p is 0.0390625
// (= 20 / 512).
// Normal approximation: worked by hand from the formulas of R's
// wilcox.test(exact = FALSE) for d = {1, -2, 2, 3, 0, 4, 4, 5} (see the test).
// Independently computed: the exact null distribution against brute-force
// enumeration of all 2^n sign assignments (n <= 12).
#include <catch2/catch.hpp>

#include <cmath>
#include <vector>

#include "stats/signed_rank.hpp"

using velo::stats::signed_rank_cdf;
using velo::stats::wilcoxon_signed_rank;

namespace {

// Differences with distinct magnitudes 1..n whose positive ranks sum to exactly `w`:
// the largest ranks that fit are made positive first.
std::vector<double> differences_with_w(int n, int w) {
  std::vector<double> d;
  int left = w;
  for (int rank = n; rank >= 1; --rank) {
    const bool positive = rank <= left;
    if (positive) left -= rank;
    d.push_back(positive ? rank : -rank);
  }
  return d;
}

}  // namespace

TEST_CASE("signed-rank critical values match the published two-sided 0.05 table", "[signed_rank]") {
  const std::vector<std::pair<int, int>> table = {{6, 0},   {7, 2},   {8, 3},   {9, 5},   {10, 8},
                                                  {11, 10}, {12, 13}, {13, 17}, {14, 21}, {15, 25},
                                                  {16, 29}, {17, 34}, {18, 40}, {19, 46}, {20, 52}};
  for (const auto& [n, critical] : table) {
    INFO("n = " << n << ", T = " << critical);
    const auto at = wilcoxon_signed_rank(differences_with_w(n, critical));
    REQUIRE(at.w_plus == critical);
    CHECK(at.exact);
    CHECK(at.p_value <= 0.05);
    const auto above = wilcoxon_signed_rank(differences_with_w(n, critical + 1));
    CHECK(above.p_value > 0.05);
  }
  // n = 5: even all pairs of one sign give p = 2/32 = 0.0625, so the table has no entry.
  CHECK(wilcoxon_signed_rank(std::vector<double>{1, 2, 3, 4, 5}).p_value == Approx(0.0625));
}

TEST_CASE("signed-rank reproduces R's paired wilcox.test example", "[signed_rank]") {
  const std::vector<double> x{1.83, 0.50, 1.62, 2.48, 1.68, 1.88, 1.55, 3.06, 1.30};
  const std::vector<double> y{0.878, 0.647, 0.598, 2.05, 1.06, 1.29, 1.06, 3.14, 1.29};
  std::vector<double> d;
  for (std::size_t i = 0; i < x.size(); ++i) d.push_back(x[i] - y[i]);
  const auto r = wilcoxon_signed_rank(d);
  CHECK(r.exact);
  CHECK(r.n == 9);
  CHECK(r.w_plus == 40);
  CHECK(r.p_value == Approx(20.0 / 512).epsilon(1e-12));
  // Mirrored data: the same two-sided p.
  for (double& v : d) v = -v;
  CHECK(wilcoxon_signed_rank(d).w_plus == 5);
  CHECK(wilcoxon_signed_rank(d).p_value == Approx(20.0 / 512).epsilon(1e-12));
}

TEST_CASE("signed-rank exact distribution matches brute-force enumeration", "[signed_rank]") {
  for (int n = 1; n <= 12; ++n) {
    const int total = n * (n + 1) / 2;
    std::vector<double> count(static_cast<std::size_t>(total) + 1, 0);
    for (unsigned signs = 0; signs < (1u << n); ++signs) {
      int w = 0;
      for (int rank = 1; rank <= n; ++rank) {
        if (signs & (1u << (rank - 1))) w += rank;
      }
      ++count[static_cast<std::size_t>(w)];
    }
    double below = 0;
    for (int w = 0; w <= total; ++w) {
      below += count[static_cast<std::size_t>(w)];
      INFO("n = " << n << ", w = " << w);
      CHECK(signed_rank_cdf(static_cast<std::size_t>(n), w) == Approx(below / (1u << n)).epsilon(1e-12));
    }
  }
}

TEST_CASE("signed-rank: zeros and ties use the corrected normal approximation", "[signed_rank]") {
  // Zero dropped: n = 7. |d| = 1, 2, 2, 3, 4, 4, 5 -> ranks 1, 2.5, 2.5, 4, 5.5, 5.5, 7.
  // W+ = 1 + 2.5 + 4 + 5.5 + 5.5 + 7 = 25.5 (only -2 is negative). Mean 7*8/4 = 14;
  // variance 7*8*15/24 - (6 + 6)/48 = 34.75; z = (11.5 - 0.5) / sqrt(34.75) = 1.86602;
  // two-sided p = erfc(z / sqrt 2) = 0.0620392.
  const auto r = wilcoxon_signed_rank(std::vector<double>{1, -2, 2, 3, 0, 4, 4, 5});
  CHECK_FALSE(r.exact);
  CHECK(r.n == 7);
  CHECK(r.w_plus == 25.5);
  CHECK(r.p_value == Approx(0.0620392).epsilon(1e-5));
}

TEST_CASE("signed-rank edge cases", "[signed_rank]") {
  CHECK(wilcoxon_signed_rank(std::vector<double>{}).p_value == 1);
  CHECK(wilcoxon_signed_rank(std::vector<double>{0, 0, 0}).p_value == 1);
  CHECK(wilcoxon_signed_rank(std::vector<double>{0, 0, 0}).n == 0);
  // One pair: p = 1 whichever its sign.
  CHECK(wilcoxon_signed_rank(std::vector<double>{3}).p_value == 1);
  // All magnitudes tied and of one sign: the approximation, variance still positive.
  const auto tied = wilcoxon_signed_rank(std::vector<double>{2, 2, 2, 2, 2, 2, 2, 2});
  CHECK_FALSE(tied.exact);
  CHECK(tied.p_value < 0.05);
  // Symmetric data: no evidence.
  CHECK(wilcoxon_signed_rank(std::vector<double>{-1, 1, -2, 2, -3, 3}).p_value == 1);
  // Past the exact limit the approximation takes over.
  std::vector<double> many;
  for (int i = 1; i <= 60; ++i) many.push_back(i % 3 == 0 ? -i : i);
  const auto large = wilcoxon_signed_rank(many);
  CHECK_FALSE(large.exact);
  CHECK(large.p_value < 0.05);
}

TEST_CASE("smallest attainable signed-rank p-value", "[signed_rank]") {
  using velo::stats::smallest_attainable_signed_rank_p;
  CHECK(smallest_attainable_signed_rank_p(0) == 1);
  CHECK(smallest_attainable_signed_rank_p(1) == 1);
  CHECK(smallest_attainable_signed_rank_p(5) == Approx(0.0625));
  CHECK(smallest_attainable_signed_rank_p(10) == Approx(2.0 / 1024));
  // It is what one-signed data actually produce.
  for (std::size_t n = 2; n <= 20; ++n) {
    std::vector<double> d;
    for (std::size_t i = 1; i <= n; ++i) d.push_back(static_cast<double>(i));
    CHECK(wilcoxon_signed_rank(d).p_value == Approx(smallest_attainable_signed_rank_p(n)));
  }
}

// E-Divisive Means against known answers: the O(n^2) best split against the
// statistic computed from its definition, a hand-worked split, synthetic series
// with known change points, series without any, and determinism under a seed.
#include <catch2/catch.hpp>

#include <cmath>

#include "history/changes.hpp"
#include "history/edivisive.hpp"
#include "history/shift.hpp"
#include "synthetic.hpp"

using velo::history::EDivisiveOptions;
using velo::testing::Step;
using velo::testing::stepped_series;

namespace {

std::vector<std::size_t> indexes(const std::vector<velo::history::ChangePoint>& points) {
  std::vector<std::size_t> out;
  for (const auto& p : points) out.push_back(p.index);
  return out;
}

}  // namespace

TEST_CASE("best split: a hand-worked step", "[history]") {
  // X = {0,0,0}, Y = {1,1,1}: between-distance mean 1, within 0: E = 2 * 9/9 = 2,
  // Q = 3*3/6 * 2 = 3 at tau = 3. Any other tau mixes the sides and scores less.
  const std::vector<double> z = {0, 0, 0, 1, 1, 1};
  auto split = velo::history::best_split(z, 1.0, 2);
  REQUIRE(split);
  CHECK(split->tau == 3);
  CHECK(split->q == Approx(3.0));
  CHECK_FALSE(velo::history::best_split(z, 1.0, 4));  // 6 < 2 * 4
}

TEST_CASE("best split equals the definition at every tau", "[history]") {
  for (double alpha : {1.0, 0.5, 1.7}) {
    const auto z = stepped_series(23, 10, 0.1, {{9, 1.3}}, 17);
    const std::size_t m = 3;
    double best_q = -1;
    std::size_t best_tau = 0;
    for (std::size_t tau = m; tau + m <= z.size(); ++tau) {
      std::span<const double> all(z);
      const double e = velo::history::energy_distance(all.first(tau), all.subspan(tau), alpha);
      const double q = static_cast<double>(tau * (z.size() - tau)) / static_cast<double>(z.size()) * e;
      if (q > best_q) best_q = q, best_tau = tau;
    }
    auto split = velo::history::best_split(z, alpha, m);
    REQUIRE(split);
    CHECK(split->tau == best_tau);
    CHECK(split->q == Approx(best_q).epsilon(1e-9));
  }
}

TEST_CASE("one 10% step in 1% noise is found at its index", "[history]") {
  const auto z = stepped_series(60, 100, 0.01, {{30, 1.10}}, 1);
  const auto points = velo::history::e_divisive(z, {});
  REQUIRE(points.size() == 1);
  CHECK(points[0].index == 30);
  CHECK(points[0].p_value <= 0.01);
}

TEST_CASE("two steps, one up and one down, are both found", "[history]") {
  const auto z = stepped_series(120, 50, 0.01, {{40, 1.05}, {85, 0.9}}, 2);
  CHECK(indexes(velo::history::e_divisive(z, {})) == std::vector<std::size_t>{40, 85});
}

TEST_CASE("pure noise has no change point", "[history]") {
  for (std::uint64_t seed : {3, 4, 5}) {
    const auto z = stepped_series(150, 100, 0.02, {}, seed);
    CHECK(velo::history::e_divisive(z, {}).empty());
  }
}

TEST_CASE("a constant series has no change point and no NaN", "[history]") {
  const std::vector<double> z(40, 7.0);
  CHECK(velo::history::e_divisive(z, {}).empty());
}

TEST_CASE("a series shorter than two segments is left alone", "[history]") {
  const std::vector<double> z = {1, 1, 1, 9, 9, 9, 9};
  CHECK(velo::history::e_divisive(z, {}).empty());  // min_segment 5
  EDivisiveOptions small;
  small.min_segment = 2;
  small.permutations = 999;
  small.significance = 0.1;
  // 7 points hold C(7,3) = 35 orderings of three 1s among four 9s; two of them (1s
  // first, 1s last) separate as well as the data: p is about 2/35.
  const auto found = velo::history::e_divisive(z, small);
  REQUIRE(found.size() == 1);
  CHECK(found[0].index == 3);
}

TEST_CASE("the same seed gives the same answer; p-values depend on it only through permutations", "[history]") {
  const auto z = stepped_series(80, 100, 0.02, {{50, 1.03}}, 9);
  const auto a = velo::history::e_divisive(z, {});
  const auto b = velo::history::e_divisive(z, {});
  REQUIRE(a.size() == b.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    CHECK(a[i].index == b[i].index);
    CHECK(a[i].p_value == b[i].p_value);
  }
}

TEST_CASE("options out of range are refused by name", "[history]") {
  EDivisiveOptions o;
  CHECK(velo::history::validate(o).ok());
  o.alpha = 0;
  CHECK(velo::history::validate(o).error().message.starts_with("alpha"));
  o = {};
  o.min_segment = 1;
  CHECK(velo::history::validate(o).error().message.starts_with("min-segment"));
  o = {};
  o.permutations = 50;  // 1/51 > 0.01
  CHECK(velo::history::validate(o).error().message.find("cannot reach") != std::string::npos);
  o = {};
  o.significance = 1.5;
  CHECK(velo::history::validate(o).error().message.starts_with("significance"));
}

TEST_CASE("shift: exact levels give an exact magnitude and a degenerate interval", "[history]") {
  const std::vector<double> before(10, 100.0), after(12, 105.0);
  const auto shift = velo::history::estimate_shift(before, after);
  CHECK(shift.before == 100.0);
  CHECK(shift.after == 105.0);
  REQUIRE(shift.relative);
  CHECK(*shift.relative == Approx(0.05));
  REQUIRE(shift.relative_ci);
  CHECK(shift.relative_ci->low == Approx(0.05));
  CHECK(shift.relative_ci->high == Approx(0.05));
}

TEST_CASE("shift: the interval covers the true step and excludes zero", "[history]") {
  const auto z = stepped_series(100, 100, 0.01, {{50, 1.05}}, 11);
  std::span<const double> all(z);
  const auto shift = velo::history::estimate_shift(all.first(50), all.subspan(50));
  REQUIRE(shift.relative_ci);
  CHECK(shift.relative_ci->low < 0.05);
  CHECK(shift.relative_ci->high > 0.05);
  CHECK(shift.relative_ci->low > 0.0);
  CHECK(*shift.relative == Approx(0.05).margin(0.01));
}

TEST_CASE("shift: a zero median before has no relative change", "[history]") {
  const std::vector<double> before = {0, 0, 0}, after = {1, 1, 1};
  CHECK_FALSE(velo::history::estimate_shift(before, after).relative);
}

TEST_CASE("detect_changes measures each shift between its neighbours", "[history]") {
  const auto z = stepped_series(150, 100, 0.005, {{50, 1.10}, {100, 1.10}}, 21);
  const auto changes = velo::history::detect_changes(z, {});
  REQUIRE(changes.size() == 2);
  // Each is +10% against the segment just before it, not against the first.
  for (const auto& c : changes) CHECK(*c.shift.relative == Approx(0.10).margin(0.01));
}

// E-Divisive Means against known answers: the O(n^2) best split against the
// statistic computed from its definition, a hand-worked split, synthetic series
// with known change points, series without any, determinism under a seed, and the
// worked examples of Matteson & James's ecp package (at the end).
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

// The papers' worked examples. Their data are random draws (R's rnorm under a seed),
// so the designs are reproduced with velo's own seeded generator, and the answer
// checked is the one the examples show: the change points at the segment
// boundaries and no others.

namespace {

std::vector<double> segments_of(std::initializer_list<std::pair<double, double>> mean_sd, std::size_t each,
                                std::uint64_t seed) {
  velo::testing::Normal normal(seed);
  std::vector<double> out;
  for (auto [mean, sd] : mean_sd) {
    for (std::size_t i = 0; i < each; ++i) out.push_back(normal(mean, sd));
  }
  return out;
}

// The change points with p <= `level`: at the examples' 5% level a false change
// point is expected in about one run in twenty (it comes with p near 0.05);
// velo's default level is 1%.
std::vector<std::size_t> significant(const std::vector<velo::history::ChangePoint>& points, double level) {
  std::vector<std::size_t> out;
  for (const auto& p : points) {
    if (p.p_value <= level) out.push_back(p.index);
  }
  return out;
}

bool near(const std::vector<std::size_t>& found, const std::vector<std::size_t>& expected, std::size_t tolerance) {
  if (found.size() != expected.size()) return false;
  for (std::size_t i = 0; i < found.size(); ++i) {
    const std::size_t d = found[i] > expected[i] ? found[i] - expected[i] : expected[i] - found[i];
    if (d > tolerance) return false;
  }
  return true;
}

}  // namespace

TEST_CASE("worked example (ecp's e.divisive manual): a change in mean, then in variance", "[history][papers]") {
  // 100 x N(0, 1), 100 x N(3, 1), 100 x N(0, 2); sig.lvl 0.05, R 199, min.size 30,
  // alpha 1: the manual's estimates are 1, 101, 201, 301 (1-based ends), i.e. the
  // new segments start at 0-based 100 and 200.
  for (std::uint64_t seed : {100u, 101u, 102u}) {
    const auto x = segments_of({{0, 1}, {3, 1}, {0, 2}}, 100, seed);
    for (double alpha : {1.0, 0.25}) {
      const auto found = velo::history::e_divisive(
          x, {.alpha = alpha, .permutations = 199, .significance = 0.05, .min_segment = 30});
      INFO("seed " << seed << ", alpha " << alpha << ": " << found.size() << " change points");
      CHECK(found.size() >= 2);
      CHECK(near(significant(found, 0.01), {100, 200}, 3));
    }
  }
}

TEST_CASE("worked example (Matteson & James 2014; ecp vignette): changes of mean and of variance", "[history][papers]") {
  // The four periods of the ecp package's vignette: N(0, 1), N(0, 3), N(2, 1), N(2, 4),
  // 100 each. The change at 100 moves only the variance: a mean-based detector
  // cannot see it; the energy statistic does.
  for (std::uint64_t seed : {250u, 251u, 252u}) {
    const auto x = segments_of({{0, 1}, {0, 3}, {2, 1}, {2, 4}}, 100, seed);
    // At the example's settings (alpha 1, 5%) the three changes and no other; the
    // variance-only change is the weakest (p 0.012-0.016 with these draws).
    const auto found = indexes(velo::history::e_divisive(
        x, {.alpha = 1.0, .permutations = 499, .significance = 0.05, .min_segment = 30}));
    INFO("seed " << seed << ": " << found.size() << " change points");
    CHECK(near(found, {100, 200, 300}, 6));
    // velo's default alpha, 0.25, finds all three at velo's default level, 1%.
    const auto with_default = velo::history::e_divisive(
        x, {.alpha = 0.25, .permutations = 499, .significance = 0.05, .min_segment = 30});
    CHECK(near(significant(with_default, 0.01), {100, 200, 300}, 6));
  }
}

TEST_CASE("a change of variance alone is a change point; alpha 2 (means only) misses it", "[history][papers]") {
  // 100 x N(0, 1) then 100 x N(0, 10), as in ggchangepoint's ecp example (found at 101, 1-based).
  const auto x = segments_of({{0, 1}, {0, 10}}, 100, 2022);
  const velo::history::EDivisiveOptions energy{.alpha = 1.0, .permutations = 199, .significance = 0.05, .min_segment = 30};
  CHECK(near(indexes(velo::history::e_divisive(x, energy)), {100}, 3));
  auto means = energy;
  means.alpha = 2.0;
  CHECK(velo::history::e_divisive(x, means).empty());
}

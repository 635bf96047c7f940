#include <catch2/catch.hpp>

#include <vector>

#include "stats/overlap.hpp"

using velo::stats::OverlapTally;
using velo::stats::round_overlap;
using velo::stats::Span;

TEST_CASE("overlap of members that ran the whole round together is complete", "[stats][overlap]") {
  const std::vector<Span> members = {{100, 200}, {100, 200}};
  const auto o = round_overlap(members);
  CHECK(o.overlapped == 100);
  CHECK(o.whole == 100);
}

TEST_CASE("overlap is min end minus max start over max end minus min start", "[stats][overlap]") {
  // Starts 0, 10, 20; ends 90, 100, 80: together from 20 to 80 of 0..100.
  const std::vector<Span> members = {{0, 90}, {10, 100}, {20, 80}};
  const auto o = round_overlap(members);
  CHECK(o.overlapped == 60);
  CHECK(o.whole == 100);
  OverlapTally tally;
  tally.add(members);
  CHECK(tally.percent() == Approx(60.0).epsilon(1e-12));
}

TEST_CASE("members that ran one after another overlap 0, not negative", "[stats][overlap]") {
  const std::vector<Span> members = {{0, 40}, {50, 100}};
  const auto o = round_overlap(members);
  CHECK(o.overlapped == 0);
  CHECK(o.whole == 100);
}

TEST_CASE("a repetition's overlap weighs rounds by their length", "[stats][overlap]") {
  OverlapTally tally;
  CHECK_FALSE(tally.percent().has_value());
  const std::vector<Span> full = {{0, 300}, {0, 300}};      // 300 of 300
  const std::vector<Span> serial = {{0, 50}, {50, 100}};    // 0 of 100
  tally.add(full);
  tally.add(serial);
  CHECK(*tally.percent() == Approx(75.0).epsilon(1e-12));  // 300 / 400
}

TEST_CASE("rounds of zero length count as overlapped", "[stats][overlap]") {
  OverlapTally tally;
  const std::vector<Span> instant = {{5, 5}, {5, 5}};
  tally.add(instant);
  CHECK(*tally.percent() == 100.0);
}

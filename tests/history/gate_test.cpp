// The history gate's verdicts on synthetic histories with known answers.
#include <catch2/catch.hpp>

#include "history/gate.hpp"
#include "synthetic.hpp"

using velo::Better;
using velo::history::HistoryGateOptions;
using velo::history::HistoryVerdict;
using velo::history::judge_against_history;
using velo::testing::stepped_series;

TEST_CASE("history gate: a flat history", "[history]") {
  const auto history = stepped_series(40, 100, 0.01, {}, 31);
  const HistoryGateOptions options;
  CHECK(judge_against_history(history, 110, Better::lower, options).verdict == HistoryVerdict::regression);
  CHECK(judge_against_history(history, 100.5, Better::lower, options).verdict == HistoryVerdict::pass);
  CHECK(judge_against_history(history, 90, Better::lower, options).verdict == HistoryVerdict::improvement);
  // Higher is better: lower is the regression.
  CHECK(judge_against_history(history, 90, Better::higher, options).verdict == HistoryVerdict::regression);
  const auto j = judge_against_history(history, 110, Better::lower, options);
  CHECK(j.points == options.window);
  CHECK(j.relative == Approx(0.10).margin(0.01));
  CHECK(j.sigmas > options.sigmas);
}

TEST_CASE("history gate: a shift already on the branch is the new normal", "[history]") {
  const auto history = stepped_series(30, 100, 0.005, {{18, 1.10}}, 32);
  const HistoryGateOptions options;
  const auto same = judge_against_history(history, 110, Better::lower, options);
  CHECK(same.verdict == HistoryVerdict::pass);
  CHECK(same.points == 12);  // only the commits after the change point
  CHECK(judge_against_history(history, 121, Better::lower, options).verdict == HistoryVerdict::regression);
}

TEST_CASE("history gate: the floor and too little history", "[history]") {
  const std::vector<double> quiet(20, 100.0);
  const HistoryGateOptions options;
  // Constant history: the spread is the 0.1% minimum, so 1.5% is 15 spreads, but below the 2% floor.
  CHECK(judge_against_history(quiet, 101.5, Better::lower, options).verdict == HistoryVerdict::pass);
  CHECK(judge_against_history(quiet, 103, Better::lower, options).verdict == HistoryVerdict::regression);
  const std::vector<double> short_history(5, 100.0);
  CHECK(judge_against_history(short_history, 200, Better::lower, options).verdict ==
        HistoryVerdict::insufficient_history);
  CHECK(judge_against_history({}, 200, Better::lower, options).verdict == HistoryVerdict::insufficient_history);
}

TEST_CASE("history gate: HEAD must also be outside every recent point", "[history]") {
  // A quiet history (0.5% noise) with one excursion to +9%, as heavy-tailed runs have.
  auto history = stepped_series(30, 100, 0.005, {}, 33);
  history[20] = 109;
  HistoryGateOptions options;
  const auto within = judge_against_history(history, 108, Better::lower, options);
  CHECK(within.sigmas > options.sigmas);  // far beyond the spread (a MAD: blind to the excursion)
  CHECK_FALSE(within.beyond_range);
  CHECK(within.verdict == HistoryVerdict::pass);
  const auto beyond = judge_against_history(history, 110, Better::lower, options);
  CHECK(beyond.beyond_range);
  CHECK(beyond.verdict == HistoryVerdict::regression);
  options.range = false;  // --no-range: the spread alone
  CHECK(judge_against_history(history, 108, Better::lower, options).verdict == HistoryVerdict::regression);
}

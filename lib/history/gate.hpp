// `velo gate --history DB`: is HEAD outside what the recent history of the base
// branch shows? An alternative to the pairwise gate (report/gate.hpp) when a history
// exists: the spread of many past commits is a better picture of the noise than the
// samples of one BASE run (Daly et al., ICPE 2020, section 3).
//
// For one series (one case, metric, machine and build on the base branch):
//  1. take the last `window` commits;
//  2. E-Divisive (edivisive.hpp) on them; keep only the points after the last change
//     point, so a shift already accepted on the branch is the new normal, not a
//     reason to fail every later change;
//  3. centre = median of those points, spread = 1.4826 * MAD (the normal-consistent
//     median absolute deviation), never below `min_spread` of the centre;
//  4. HEAD (the median of its samples) is a regression when it is worse than the
//     centre by more than `sigmas` spreads AND by more than `min_change`; an
//     improvement likewise the other way. Fewer than `min_points` points left: no
//     verdict (insufficient history), which does not fail the gate.
// The measured false-alarm and detection rates of these defaults are in docs/history.md.
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/metric.hpp"
#include "core/pattern.hpp"
#include "core/result.hpp"
#include "history/edivisive.hpp"
#include "history/store.hpp"
#include "report/report.hpp"

namespace velo::history {

struct HistoryGateOptions {
  std::size_t window = 30;
  std::size_t min_points = 8;
  double sigmas = 4.0;
  double min_change = 0.02;   // 2%: below this nothing is flagged, however quiet the history
  double min_spread = 0.001;  // 0.1% of the centre
  // Also require HEAD beyond every point of the recent history (its range), not only
  // `sigmas` spreads away: the spread is a median absolute deviation, blind to the
  // heavy tails real runs have.
  bool range = true;
  EDivisiveOptions detector;  // for step 2
};

enum class HistoryVerdict { pass, regression, improvement, insufficient_history };
std::string_view to_string(HistoryVerdict verdict);

struct HistoryJudgement {
  HistoryVerdict verdict = HistoryVerdict::insufficient_history;
  std::size_t points = 0;   // history points the judgement used
  double center = 0;
  double spread = 0;
  double head = 0;
  double relative = 0;      // head / center - 1
  double sigmas = 0;        // (head - center) / spread, signed so that worse is positive
  bool beyond_range = false;  // head is outside [min, max] of the points used
};

// `history` oldest first (the base branch's per-commit medians), `head` HEAD's median.
HistoryJudgement judge_against_history(std::span<const double> history, double head, Better better,
                                       const HistoryGateOptions& options);

// `velo gate --history`: every ok case of HEAD and gated metric judged against the
// series of the same case, machine and build in the store.
struct HistoryGateRequest {
  std::string branch;                // the base branch; empty: every branch
  std::optional<Pattern> filter;     // only cases whose id matches
  std::vector<std::string> metrics;  // empty: ns_per_op
  HistoryGateOptions options;
};

struct HistoryGateRow {
  std::string case_id;
  std::string metric;
  std::string unit;
  Better better = Better::lower;
  HistoryJudgement judgement;
};

struct HistoryGateResult {
  std::string head_name;  // where HEAD was read from, and the store, as shown (set by the caller)
  std::string db;
  std::string head_commit;
  std::string machine;  // machine_key of HEAD: the series judged against
  std::string build;    // build_key of HEAD
  std::string branch;
  HistoryGateOptions options;
  std::vector<HistoryGateRow> rows;  // in HEAD's case order, then metric order
  std::size_t judged = 0, regressions = 0, improvements = 0, unjudged = 0;
  bool passed() const { return regressions == 0; }
};

Expected<HistoryGateResult> gate_against_history(Store& store, const report::Report& head,
                                                 const HistoryGateRequest& request);

}  // namespace velo::history

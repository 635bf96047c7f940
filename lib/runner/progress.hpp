// Progress on stderr. On a terminal: one line redrawn in place (a bar, unit i of N,
// elapsed, ETA and the current case), cut to the terminal's width so it never wraps. Elsewhere (CI logs): one plain line per finished
// case, so a log shows what ran even if the job is killed. A unit is one worker:
// a case measured in forks (runner/forks.hpp) takes one unit per fork.
#pragma once

#include <chrono>
#include <cstdio>
#include <string>

#include "report/report.hpp"

namespace velo {

class Progress {
 public:
  enum class Style { terminal, lines, quiet };
  Progress(int total_units, Style style, std::FILE* out = stderr);

  static Style style_for(std::FILE* out, bool quiet);

  void start_case(int index, const std::string& label);  // index of the unit, 0-based
  void tick();                                           // redraw (terminal only)
  // The unit started last has ended; `result` is its case's result so far, shown
  // once the case is done.
  void finish_case(const report::CaseResult& result, bool case_done = true);
  // Round `round` (0-based) of `rounds` of forks has ended: a line in CI logs, where
  // cases only finish in the last round.
  void finish_round(int round, int rounds);
  // Units that will not run after all (the rest of a case that failed).
  void forgo(int units) { total_ -= units; }
  void finish();

 private:
  using Clock = std::chrono::steady_clock;
  void draw();
  double eta_seconds() const;

  int total_;
  Style style_;
  std::FILE* out_;
  Clock::time_point started_ = Clock::now();
  Clock::time_point case_started_ = Clock::now();
  int index_ = 0;
  int measured_done_ = 0;       // finished cases that actually ran (skips are instant)
  double measured_seconds_ = 0;
  std::string current_;
  bool line_open_ = false;
};

// "[#####...............]": `done` of `total` as a bar of `width` characters.
std::string progress_bar(int done, int total, int width);

// One line summarising a finished case: "ok  12.3 ns/op ±0.4%" or "skipped: reason".
std::string case_outcome_text(const report::CaseResult& result);

}  // namespace velo

// The one rule for velo's exit codes (README "Exit codes"), for every command:
//   0  done: measured, compared or gated, nothing failed
//   1  the measurement or the verdict says no: a case failed or timed out, the gate
//      found a regression or a broken case
//   2  velo could not do what was asked: bad usage, a bad scenario, report, gate or
//      folded file, or an output that could not be written (stdout included)
//   130 interrupted (Ctrl-C, SIGTERM, SIGHUP); finished work was written
#pragma once

namespace velo::app::exit_code {

inline constexpr int ok = 0;
inline constexpr int failed = 1;
inline constexpr int bad_input = 2;
inline constexpr int interrupted = 130;

}  // namespace velo::app::exit_code

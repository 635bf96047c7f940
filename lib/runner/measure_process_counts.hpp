// `--measure instructions` for an implementation whose work runs in other processes
// (families/counted_process.hpp): the runner's half. It prepares the Valgrind command
// (runner/valgrind.hpp's tool and simulation options, instrumentation on from the
// start, one output file per process and dump in a private temporary directory),
// hands it to the family's `count`, reads the dumps back for it (runner/
// callgrind_output.hpp), and turns each repetition's totals into the same per-op
// metrics as an in-process case (instructions_per_op, and the simulations' misses
// and estimated cycles). It runs in the worker, which is not itself under Valgrind.
#pragma once

#include "families/counted_process.hpp"
#include "report/report.hpp"

namespace velo {

report::CaseResult measure_process_counts(report::CaseResult result, const ProcessCount& count);

}  // namespace velo

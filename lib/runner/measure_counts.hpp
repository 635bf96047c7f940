// The deterministic measurement modes, in the worker (docs/deterministic.md):
// `instructions` counts what callgrind sees, `counters` what the CPU's performance
// counters see, around the workload's run() only.
//
// Each repetition runs exactly settings.measure.ops operations (no time budget: a
// count per op must not depend on how fast the machine happened to be), after one
// warm-up repetition that is not recorded. Per repetition:
//     begin_repetition();  [zero counts]  run(ops);  [read counts]  end_repetition()
// so set-up, start-up, verification and the runner's own bookkeeping are outside the
// counts; every repetition is still verified by the workload, as in time mode.
//
// Under callgrind, costs are zeroed (CALLGRIND_ZERO_STATS) right before run() and
// dumped (CALLGRIND_DUMP_STATS_AT) right after; the worker then reads the dump
// (runner/callgrind_output.hpp). Instrumentation starts only once the workload is
// built (valgrind --instr-atstart=no, runner/valgrind.hpp), so start-up runs at
// Valgrind's fastest and the warm-up repetition warms the simulated caches.
//
// Valgrind runs one thread at a time, so a workload that started threads is skipped
// with that reason unless settings.measure.threaded; the hardware counters here
// count the calling thread only, so such workloads are skipped in counters mode too.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "families/family.hpp"
#include "report/report.hpp"

namespace velo {

report::CaseResult measure_counts(report::CaseResult result, const Family& family, Workload& workload);

// A case's count metrics from their samples: in `order`, each metric velo knows
// (simulated or hardware counts) that has one sample per repetition, summarized.
// Shared with measure_process_counts (external programs under callgrind).
std::vector<report::MetricResult> count_metrics(const std::vector<std::string>& order,
                                                const std::map<std::string, std::vector<double>>& samples,
                                                int repetitions);

}  // namespace velo

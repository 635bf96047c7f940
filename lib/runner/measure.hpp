// Measures one case in this process through Google Benchmark. The worker process
// calls this; so does `velo run --no-isolate`.
#pragma once

#include <optional>

#include "families/family.hpp"
#include "profiler/profiler.hpp"
#include "report/report.hpp"
#include "scenario/case.hpp"

namespace velo {

// Builds the case's workload, runs warmup and repetitions, verifies every run and
// returns the result with one sample per repetition for every metric. Never throws:
// a workload that throws or fails verification yields a `failed` result.
// With `profile`, the measured phase is sampled (runner/case_profiler.hpp) and the
// result's details carry the stacks and statistics under "profile".
// The case's family is looked up in `registry` (tests pass one with a fake family).
report::CaseResult measure_case(const Registry& registry, const Case& spec,
                                const std::optional<profiler::Options>& profile = std::nullopt);

}  // namespace velo

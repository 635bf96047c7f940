// External benchmarks: programs velo did not build, measured by velo's runner with
// its forks, repetitions, timeouts, reports and gate (docs/external.md).
//
// They fit the family contract (families/family.hpp) with two switches on: their
// parameters are open (any matrix key may be substituted into the command line as
// {key}), and the runner's in-process probes are off (the work runs in another
// process, so the worker's own CPU time and allocations would describe velo).
#pragma once

#include "families/counted_process.hpp"
#include "families/family.hpp"

namespace velo {

// `command`: one op = one run of a program (hyperfine's job).
Family make_command_family();
// `gbench`: one case per benchmark a Google Benchmark binary lists.
Family make_gbench_family();
// `gobench`: one case per benchmark of a Go package (go test -bench).
Family make_gobench_family();

// Their --measure instructions (families/counted_process.hpp; listed in counting.cpp).
std::variant<CountedMeasurement, CaseError> count_command(const Params& params, const ProcessCounting& counting);
std::variant<CountedMeasurement, CaseError> count_gbench(const Params& params, const ProcessCounting& counting);
std::variant<CountedMeasurement, CaseError> count_gobench(const Params& params, const ProcessCounting& counting);

}  // namespace velo

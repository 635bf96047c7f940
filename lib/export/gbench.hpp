// Google Benchmark's JSON output format (context + benchmarks, with every repetition
// and the mean/median/stddev/cv aggregates), so its tools/compare.py reads velo
// reports. Real time is the case's ns_per_op; CPU time its cpu_ns_per_op.
#pragma once

#include <string>

#include "report/report.hpp"

namespace velo::exporter {

std::string gbench_json(const report::Report& report);

}  // namespace velo::exporter

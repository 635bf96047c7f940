// Go benchmark text format, one line per repetition, as `go test -bench` prints it,
// so `benchstat base.txt head.txt` works on velo reports:
//   BenchmarkCounters/atomic/increments=10/threads=2-2  1000000  123.4 ns/op  0 B/op  0 allocs/op
// (B/op and allocs/op only when the report measured them).
#pragma once

#include <string>

#include "report/report.hpp"

namespace velo::exporter {

std::string benchstat_text(const report::Report& report);

// "allocs_per_op" -> "allocs/op", "ns_per_op" -> "ns/op", "bytes_per_op" -> "B/op", "cpu_ns_per_op" -> "cpu-ns/op",
// "ops_per_s" -> "ops/s": Go's unit spelling for a velo metric name.
std::string go_unit(const std::string& metric);

}  // namespace velo::exporter

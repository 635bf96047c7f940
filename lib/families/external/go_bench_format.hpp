// Reading Go's benchmark format, the lines `go test -bench` prints and `velo
// export --to benchstat` writes (https://go.googlesource.com/proposal/+/master/design/14313-benchmark-format.md):
//
//     BenchmarkName-8   	 1000000	      1234 ns/op	  64 B/op	  2 allocs/op	  3.5 msgs/s
//
// name (with the GOMAXPROCS suffix -N when it is not 1), iterations, then value
// unit pairs. Lines that are not results (goos:, PASS, ok, test output) are skipped.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/metric.hpp"

namespace velo::external {

struct GoBenchLine {
  std::string name;     // without the -N suffix: "BenchmarkChan/cap=64"
  int procs = 1;        // the -N suffix (1 when absent)
  std::int64_t iterations = 0;
  std::vector<std::pair<std::string, double>> values;  // unit -> value, in line order
};

std::vector<GoBenchLine> read_go_bench(std::string_view text);

// How velo records a Go unit: ns/op -> ns_per_op, B/op -> bytes_per_op,
// allocs/op -> allocs_per_op (the runner's metrics), MB/s -> MB_per_s (higher is
// better), any other "x/y" -> x_per_y (higher is better when y is s).
MetricSpec go_metric(std::string_view unit);

}  // namespace velo::external

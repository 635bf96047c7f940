// Reading what a Google Benchmark binary prints: the names --benchmark_list_tests
// lists, and the JSON --benchmark_out writes (the format of GB 1.7, Debian's, and
// 1.8+, which reports a skipped benchmark as "skipped" apart from an error).
// Pure functions over text, so they are tested against fixture outputs of both.
#pragma once

#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "families/family.hpp"

namespace velo::external {

// One benchmark name per non-empty line.
std::vector<std::string> read_gbench_list(std::string_view text);

// A --benchmark_filter regex matching exactly `name` (GB uses POSIX extended
// regular expressions, so every ERE metacharacter is escaped).
std::string anchored_filter(std::string_view name);

// The repetitions of `benchmark` in GB's JSON: per repetition, real time
// (ns_per_op, ops_per_s), CPU time (cpu_ns_per_op), allocs_per_iter when GB's
// memory manager was used (allocs_per_op), and every counter. A benchmark that
// reported an error is a CaseError with its message; one that skipped itself
// (1.8+) is a skip. `higher_is_better` names counters where more is better
// (items_per_second and bytes_per_second always are; GB's JSON does not say).
std::variant<ExternalMeasurement, CaseError> read_gbench_json(std::string_view text, const std::string& benchmark,
                                                              const std::vector<std::string>& higher_is_better);

}  // namespace velo::external

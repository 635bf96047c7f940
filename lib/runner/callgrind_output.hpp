// Reading Valgrind callgrind's output files (the "callgrind format", documented in
// Valgrind's manual, "Callgrind Format Specification"): hand-written because only
// the header and the summary are needed, which is a few lines of "key: value".
//
// A file starts with header lines ("version:", "creator:", "desc: ...", "events:
// Ir Dr ..."), followed by cost lines per function, and carries the totals over
// the whole dump on a "summary:" line (older writers: "totals:", possibly at the
// end). Per the specification a cost line may omit trailing events, which are then
// zero ("summary: 0" is a dump of nothing). The per-function body is skipped.
//
// Anything malformed (no "events:", a count that is not a non-negative integer,
// more counts than events, a summary before the events) is an Error naming the
// file and line: a measurement read from a file velo does not understand would be a
// made-up number.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"

namespace velo {

struct CallgrindDump {
  std::string creator;                    // "callgrind-3.19.0"
  std::vector<std::string> events;        // "Ir", "Dr", "Dw", "I1mr", ...
  std::vector<std::uint64_t> totals;      // one per event
  std::vector<std::string> descriptions;  // "desc:" lines: "I1 cache: 32768 B, 64 B, 8-way associative", ...

  // The total of `event`, or nullopt when the dump did not collect it (e.g. "D1mr"
  // without --cache-sim=yes): absent, never a made-up 0.
  std::optional<std::uint64_t> total(std::string_view event) const;
  // The Valgrind version from the creator ("3.19.0"), or "" if it does not say.
  std::string valgrind_version() const;
};

// `source` names the file in errors.
Expected<CallgrindDump> parse_callgrind_dump(std::string_view text, const std::string& source);

// Per-operation metrics from one dump of `ops` operations: instructions_per_op
// always (an Error if the dump has no "Ir"); with the cache simulation's events, the
// L1/LL misses and the estimated cycles; with the branch simulation's, the
// mispredictions (core/count_metric.hpp names them).
//
// Estimated cycles follow iai-callgrind's model (Itamar Turner-Trauring's formula from
// "Consistent benchmarking in CI", pythonspeed.com, as iai implemented it): L1 hits + 5 x LL hits +
// 35 x RAM hits, where accesses = Ir + Dr + Dw, L1 misses = I1mr + D1mr + D1mw, RAM
// hits = ILmr + DLmr + DLmw (last-level misses), LL hits = L1 misses - RAM hits and L1
// hits = accesses - L1 misses. The weights are rough latencies, not this CPU's; the
// figure ranks code that differs in memory behaviour, which instructions alone hide.
struct CountPerOp {
  std::string_view metric;
  double value = 0;
};
Expected<std::vector<CountPerOp>> counts_per_op(const CallgrindDump& dump, std::int64_t ops);

}  // namespace velo

// What a case measures: wall-clock time (the default), instructions and simulated
// cache events under Valgrind's callgrind, or the CPU's hardware counters.
//
// The deterministic modes (docs/deterministic.md) run a fixed number of operations
// per repetition (`ops`), recorded in the report, instead of letting Google Benchmark
// pick a count from a time budget: a count per op from a different number of ops
// would not be the same measurement. Kept apart from RunSettings' other fields so
// that scenario parsing, case expansion, reports and the run request share one
// definition of the keys and their defaults.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace velo {

enum class MeasureMode { time, instructions, counters };

std::string_view to_string(MeasureMode mode);
std::optional<MeasureMode> parse_measure_mode(std::string_view text);  // "time" | "instructions" | "counters"

// Operations per repetition in the deterministic modes when neither [run] ops nor --ops says.
inline constexpr std::int64_t kDefaultCountedOps = 1000;
inline constexpr std::int64_t kMaxCountedOps = 1'000'000'000;

struct MeasureSettings {
  MeasureMode mode = MeasureMode::time;
  std::int64_t ops = kDefaultCountedOps;  // per repetition; only the deterministic modes use it
  bool cache_sim = false;                 // instructions: callgrind --cache-sim=yes
  bool branch_sim = false;                // instructions: callgrind --branch-sim=yes
  // Run cases whose workload starts threads anyway, with a note (Valgrind runs one
  // thread at a time, so contention is not what it is on hardware).
  bool threaded = false;

  bool deterministic() const { return mode != MeasureMode::time; }
  bool operator==(const MeasureSettings&) const = default;
};

// {"mode": ..., "ops": ..., "cache_sim": ..., "branch_sim": ..., "threaded": ...}; written into a
// case's "run" only when the mode is not time, so timed reports are unchanged.
nlohmann::json measure_settings_to_json(const MeasureSettings& settings);
// Strict: an error message (naming the key) for a malformed object.
std::optional<std::string> measure_settings_from_json(const nlohmann::json& json, MeasureSettings& out);

}  // namespace velo

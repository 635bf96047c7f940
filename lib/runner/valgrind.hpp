// Running a worker under Valgrind's callgrind (`velo run --measure instructions`,
// docs/deterministic.md): the parent's side.
//
// The worker is started as `valgrind --tool=callgrind <options> velo __worker`, with
// instrumentation off until the workload is built (--instr-atstart=no) and its dumps
// written to a private temporary directory that the worker reads after each measured
// repetition (runner/measure_counts.hpp) and that is removed when the worker is gone.
//
// The simulated caches are given explicitly (the geometry below) rather than taken
// from the host, so that two CI runners with different CPUs count the same misses;
// the report records the geometry callgrind used and every option.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "scenario/case.hpp"

namespace velo {

// Environment variables from the parent to the worker under Valgrind.
inline constexpr const char* kCallgrindOutEnv = "VELO_CALLGRIND_OUT";        // the dumps' base path
inline constexpr const char* kValgrindOptionsEnv = "VELO_VALGRIND_OPTIONS";  // the options, space-separated
// Overrides where valgrind is found (tests point it at nothing to see the error).
inline constexpr const char* kValgrindPathEnv = "VELO_VALGRIND";

// The simulated caches: 32 KiB 8-way L1s and an 8 MiB 16-way last level, 64-byte lines
// (a common x86-64 desktop part; fixed so counts do not depend on the runner's CPU).
inline constexpr const char* kCacheGeometry[] = {"--I1=32768,8,64", "--D1=32768,8,64", "--LL=8388608,16,64"};

// $VELO_VALGRIND, else `valgrind` looked up in PATH; nullopt when there is none.
std::optional<std::string> find_valgrind();

// The callgrind options for these settings (without the output file).
std::vector<std::string> callgrind_options(const MeasureSettings& settings);

// One worker's launch under Valgrind: the command line in front of velo's and the
// directory of its dumps, removed by the destructor.
class ValgrindLaunch {
 public:
  static Expected<ValgrindLaunch> prepare(const MeasureSettings& settings);
  ValgrindLaunch(ValgrindLaunch&& other) noexcept;
  ValgrindLaunch& operator=(ValgrindLaunch&&) = delete;
  ValgrindLaunch(const ValgrindLaunch&) = delete;
  ~ValgrindLaunch();

  const std::vector<std::string>& prefix() const { return prefix_; }
  const std::map<std::string, std::string>& environment() const { return environment_; }

 private:
  ValgrindLaunch() = default;
  std::vector<std::string> prefix_;
  std::map<std::string, std::string> environment_;
  std::string directory_;
};

// Before anything is measured (`velo run`): an Error (exit 2) when a case asks for a
// mode this run cannot provide: instructions without valgrind, or without worker
// processes (--no-isolate), or profiled; counters where perf_event_open is refused.
Status check_measure_modes(const std::vector<Case>& cases, bool isolate, bool profiled);

}  // namespace velo

// What the preload library (libvelo_preload.so, preload.cpp) leaves behind for
// velo when it runs inside an external benchmark process, and how velo reads it.
//
// velo starts a `command` or `gbench` process with LD_PRELOAD naming the library
// and VELO_PRELOAD_DIR naming an empty directory it owns. Every process of the
// run that loads the library (the program, and children it starts that are
// dynamically linked) writes, when it exits normally, one file
//
//   DIR/<pid>.record   counts of the whole process and of each measured phase
//   DIR/<pid>.folded   its folded stacks, when VELO_PRELOAD_PROFILE asked for them
//
// written whole to a temporary name and renamed, so velo never sees half a file.
// A record is a few lines of text (one file per process, so concurrent processes
// never interleave their lines):
//
//   velo-preload-record 1
//   process PID PPID
//   counting 0|1                    allocation counting on (off: VELO_ALLOC_COUNTING=0)
//   go 0|1                          the executable is a Go program (its heap is not malloc)
//   totals ALLOCATIONS BYTES FREES  from the library's start to exit
//   gbench 0|1                      Google Benchmark's State hooks ran in this process
//   bracket ITERATIONS ALLOCATIONS BYTES   one per run of a benchmark function, in order
//   profile SAMPLES OVERRUNS LOST_BUFFER_FULL LOST_UNWIND THREADS SAMPLED_SECONDS
//   end
//
// A bracket is one call of a Google Benchmark function: from the moment the
// timing of its `for (auto _ : state)` loop starts until it finishes, summed over
// the threads of a threaded benchmark (ITERATIONS is the sum of their
// max_iterations). Google Benchmark runs the function several times per case
// (iteration-count probes, then one run per further repetition), so the last R
// brackets are the R repetitions it reports.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"

namespace velo::preload {

inline constexpr const char* kDirEnv = "VELO_PRELOAD_DIR";
// "MODE:HZ:PHASE[:thread_root]": MODE cpu|wall, PHASE process (from start to exit)
// or measured (only inside Google Benchmark brackets).
inline constexpr const char* kProfileEnv = "VELO_PRELOAD_PROFILE";

struct Bracket {
  std::int64_t iterations = 0;
  std::uint64_t allocations = 0;
  std::uint64_t bytes = 0;
  bool operator==(const Bracket&) const = default;
};

// The sampler's statistics (profiler::Stats); SAMPLED_SECONDS is the sampled
// threads' CPU time (cpu mode) or armed wall time (wall mode).
struct ProfileStats {
  std::uint64_t samples = 0, overruns = 0, lost_buffer_full = 0, lost_unwind = 0, threads = 0;
  double sampled_seconds = 0;
  bool operator==(const ProfileStats&) const = default;
};

struct ProcessRecord {
  long pid = 0, ppid = 0;
  bool counting = false;
  bool go = false;
  std::uint64_t allocations = 0, bytes = 0, frees = 0;
  bool gbench = false;
  std::vector<Bracket> brackets;
  bool profiled = false;
  ProfileStats profile;
  bool operator==(const ProcessRecord&) const = default;
};

std::string write_record(const ProcessRecord& record);
// Errors name `file_name` and the 1-based line, and say what was expected.
Expected<ProcessRecord> parse_record(std::string_view text, std::string_view file_name);

}  // namespace velo::preload

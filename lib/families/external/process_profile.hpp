// Profiles of the processes an external family starts (docs/external.md,
// docs/profiling.md "External benchmarks"): the runner's own sampler would see
// only the worker waiting for them, so the family has them sampled (velo's
// sampler loaded into them, or Go's own profiler) and hands the result back.
//
// The request and the result travel through a ProcessProfileSlot the runner
// opens around the case, on the thread that measures it: a family's measure()
// (gbench, gobench) or its workload's constructor and end_repetition (command)
// read request() and deliver() what they sampled. No slot open (not profiled, or
// a test driving the family directly): request() is nullopt and deliver() drops
// its argument.
//
// The families module may not use the profiler module (lib/meson.build), so a
// profile crosses as text: folded stacks (stacks may repeat; the reader sums
// them) or a pprof file's bytes, which the runner reads.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace velo {

// profiler::Options, as far as an external family needs it.
struct ProcessProfileRequest {
  bool wall = false;  // wall-clock sampling (blocked threads too) instead of CPU time
  int hz = 99;
  bool thread_root = false;
};

struct ProcessProfile {
  std::string folded;  // folded stacks "a;b;c N" lines, or
  std::string pprof;   // a pprof profile (gzipped or not) to be read instead
  std::string source;  // names it in errors: a file name
  // The sampler's statistics (profiler::Stats), summed over processes; ignored
  // for a pprof profile, whose own sample counts and period say them.
  std::uint64_t samples = 0, overruns = 0, lost_buffer_full = 0, lost_unwind = 0, threads = 0;
  double sampled_seconds = 0;  // CPU time of the sampled threads (wall mode: their wall time)
  std::string off_reason;      // set: no profile, and why
};

class ProcessProfileSlot {
 public:
  // Opens the slot for this thread (the runner). Slots do not nest.
  explicit ProcessProfileSlot(std::optional<ProcessProfileRequest> request);
  ~ProcessProfileSlot();
  ProcessProfileSlot(const ProcessProfileSlot&) = delete;
  ProcessProfileSlot& operator=(const ProcessProfileSlot&) = delete;

  // The family's side.
  static std::optional<ProcessProfileRequest> request();
  static void deliver(ProcessProfile profile);  // replaces an earlier delivery

  // The runner's side: what was delivered, nullopt if nothing was.
  std::optional<ProcessProfile> take() { return std::move(delivered_); }

 private:
  std::optional<ProcessProfileRequest> request_;
  std::optional<ProcessProfile> delivered_;
};

}  // namespace velo

// Allocation counts and profiles of external processes through velo's preload
// library (lib/preload/, libvelo_preload.so): velo adds LD_PRELOAD and a private
// directory to a program's environment, the program runs unmodified, and every
// process of it that loads the library and exits normally leaves a record (and
// folded stacks when profiled) there (preload_record.hpp). This file turns those
// files into allocs_per_op, bytes_per_op and a profile, or into the reason they
// cannot be had: a static binary or a Go program does not load the library (or
// does not allocate with malloc), a process that ends in _exit or a signal
// leaves nothing, a statically linked Google Benchmark never calls the hooks.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "core/result.hpp"
#include "families/external/launcher.hpp"
#include "families/external/preload_record.hpp"
#include "families/external/process_profile.hpp"

namespace velo::external {

// The library's path: $VELO_PRELOAD_LIBRARY, else the build tree's, else the
// installed one. An Error says why there is none.
Expected<std::string> preload_library();

// What the processes of one or more runs left behind.
struct Harvest {
  std::vector<preload::ProcessRecord> records;  // one per process that exited normally
  std::string folded;                           // every process's folded stacks, one after another
  std::string profile_error;                    // the first a process reported

  // Adds `other`'s records and stacks (a profile gathered over many runs).
  void absorb(Harvest&& other);
};

// A private directory the preloaded processes write into; removed with this.
class PreloadDir {
 public:
  // `profile` set: the processes are sampled, from start to exit or, with
  // `measured_phase_only`, only while Google Benchmark's timed loops run.
  static Expected<PreloadDir> make(const std::optional<ProcessProfileRequest>& profile, bool measured_phase_only);
  PreloadDir(PreloadDir&& other) noexcept;
  PreloadDir& operator=(PreloadDir&&) = delete;
  PreloadDir(const PreloadDir&) = delete;
  ~PreloadDir();

  // Puts the library first in LD_PRELOAD (before the worker's and the scenario's
  // own, which stay) and adds the preload's variables to `spec`'s environment.
  void apply(LaunchSpec& spec) const;
  // Reads and removes every file written since the last harvest. An Error: a
  // file that cannot be read or parsed (named, with its line).
  Expected<Harvest> harvest();

 private:
  PreloadDir() = default;
  std::string dir_, library_, profile_variable_;
};

struct AllocationCounts {
  std::uint64_t allocations = 0;
  std::uint64_t bytes = 0;
};

// A command run's allocations, summed over its processes; a string says why
// they were not measured.
std::variant<AllocationCounts, std::string> command_allocations(const Harvest& harvest);

// allocs_per_op and bytes_per_op of each of Google Benchmark's `iterations.size()`
// reported repetitions: the last that many brackets of the benchmark's process,
// each of which must have run the iterations the JSON reports for it.
struct PerOp {
  double allocations = 0;
  double bytes = 0;
};
std::variant<std::vector<PerOp>, std::string> gbench_allocations(const Harvest& harvest,
                                                                 const std::vector<std::int64_t>& iterations);

// The harvest's stacks and statistics summed over processes, or why there are none.
ProcessProfile profile_of(const Harvest& harvest);

}  // namespace velo::external

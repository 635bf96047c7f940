// Process-wide figures read around each measured run() and turned into
// per-operation metrics for every case, whatever its family: CPU time and context
// switches (getrusage: all threads of the worker process), and heap allocations
// (alloc/counting.hpp: all threads, read while the workload's threads are idle).
#pragma once

#include <sys/resource.h>

#include <cstdint>
#include <functional>
#include <string_view>

#include "alloc/counting.hpp"

namespace velo {

class RunProbes {
 public:
  void begin();
  // Bracket every call to the workload's run(), so only the measured code's
  // allocations are counted, not the harness's between runs.
  void before_run();
  void after_run();
  // Emits metric name/value pairs for a run of `ops` operations, and a note when
  // a probe could not measure (its metrics are then absent, never zero).
  void end(std::int64_t ops, const std::function<void(std::string_view, double)>& emit,
           const std::function<void(std::string_view)>& note);

 private:
  rusage before_{};
  bool counting_ = false;
  alloc::Counts run_start_{};
  alloc::Counts allocated_{};
};

}  // namespace velo

// Process-wide figures read before and after each measured run() and turned into
// per-operation metrics for every case, whatever its family: CPU time and context
// switches (getrusage: all threads of the worker process).
#pragma once

#include <sys/resource.h>

#include <cstdint>
#include <functional>
#include <string_view>

namespace velo {

class RunProbes {
 public:
  void begin();
  // Emits metric name/value pairs for a run of `ops` operations.
  void end(std::int64_t ops, const std::function<void(std::string_view, double)>& emit);

 private:
  rusage before_{};
};

}  // namespace velo

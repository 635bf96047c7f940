// Process isolation, as pyperf does it: each case runs in a fresh worker process
// (velo re-executing itself as `velo __worker`), so a crash, a hang or memory
// growth in one case cannot take down or skew the others.
//
// Protocol (runner/worker_message.hpp): the parent writes a request naming one case
// to the worker's stdin; the worker measures it and writes the answer, the case's
// result, to file descriptor 3. stdout is left to the workload; stderr is captured
// and its tail quoted when the worker fails.
#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <optional>
#include <string>

#include "families/family.hpp"
#include "profiler/profiler.hpp"
#include "report/report.hpp"
#include "scenario/case.hpp"

namespace velo {

struct WorkerOptions {
  std::string executable;               // this binary (/proc/self/exe)
  const Registry* registry = nullptr;   // where the case's family is (for its worker environment)
  std::map<std::string, std::string> plugin_substitutes;  // plugin path -> the build to load instead
  const std::atomic<bool>* interrupted = nullptr;      // set by the SIGINT handler
  std::function<void()> tick;                          // called about 4 times a second while waiting
};

// Runs one case in a worker process with the case's timeout. Never throws. On
// interruption the worker is killed and the result is `failed` with reason
// "interrupted". With `profile`, the worker samples the case's measured phase and
// its result carries the stacks (measure_case).
report::CaseResult run_in_worker(const Case& spec, const WorkerOptions& options,
                                 const std::optional<profiler::Options>& profile = std::nullopt);

// The worker side: reads the request from stdin, measures, answers on fd 3.
// Returns the process exit code.
int worker_main(const Registry& registry);

}  // namespace velo

// The sampling profiler around one case's measured phase, in the process that
// measures it (the worker, or velo itself with --no-isolate).
//
// Invariants:
// - The session exists before the workload is constructed, so every ThreadTeam
//   thread the workload starts registers through the team's thread hooks, and it
//   outlives the workload (construct a CaseProfiler first), so those threads
//   unregister before it ends.
// - It is armed only around workload->run(): not during setup, begin/end_repetition
//   or verification. Warm-up runs and Google Benchmark's iteration-count probes
//   call the same run() and are sampled too.
// - Symbolization (collect) never runs inside the measured bracket; its
//   allocations are not counted as the workload's.
// - A requested profile that cannot be taken leaves a note "profiling off: WHY",
//   never a silently empty profile.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <set>
#include <string>

#include <nlohmann/json.hpp>

#include "families/external/process_profile.hpp"
#include "profiler/profiler.hpp"

namespace velo {

class CaseProfiler {
 public:
  // No request: every member is a no-op. Otherwise creates the session now.
  explicit CaseProfiler(const std::optional<profiler::Options>& request);
  ~CaseProfiler();
  CaseProfiler(const CaseProfiler&) = delete;
  CaseProfiler& operator=(const CaseProfiler&) = delete;

  void start() {
    if (session_) session_->start();
  }
  void stop() {
    if (session_) session_->stop();
  }
  // Between runs (disarmed): symbolizes and empties the per-thread rings when
  // they may be filling up, so a long case loses no samples to a full ring.
  void drain_if_filling();
  // After the benchmark: details["profile"] = {mode, hz, thread_root, stats,
  // folded}, or a note saying why there is no profile.
  void finish(nlohmann::json& details, std::set<std::string>& notes);

  // The request as an external family sees it (families/external/process_profile.hpp).
  static ProcessProfileRequest for_processes(const profiler::Options& request);
  // details["profile"] as finish() writes it, for what an external family sampled
  // in its processes (folded text or a pprof file, read here); a profile that
  // could not be taken or read, or a family that delivered none, is a note.
  static void attach(const profiler::Options& request, const std::optional<ProcessProfile>& profile,
                     nlohmann::json& details, std::set<std::string>& notes);

 private:
  std::optional<profiler::Options> request_;
  std::unique_ptr<profiler::Session> session_;
  std::string off_reason_;
  std::uint64_t samples_at_last_drain_ = 0;
};

}  // namespace velo

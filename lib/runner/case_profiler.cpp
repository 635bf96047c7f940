#include "runner/case_profiler.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "runner/profile_request.hpp"

namespace velo {

namespace {

// A ring holds 2^18 words; a sample takes 1 + depth words, so at the deepest
// stack kept (127 frames) it holds 2048 samples. Draining every 1024 samples per
// thread keeps well clear of that, and rarely runs at all for short cases.
constexpr std::uint64_t kDrainEverySamplesPerThread = 1024;

nlohmann::json stats_to_json(const profiler::Stats& stats) {
  return {{"samples", stats.samples},
          {"weighted_samples", stats.weighted_samples},
          {"overruns", stats.overruns},
          {"lost_buffer_full", stats.lost_buffer_full},
          {"lost_unwind", stats.lost_unwind},
          {"threads", stats.threads},
          {"effective_hz", stats.effective_hz},
          {"thread_cpu_seconds", stats.thread_cpu_seconds},
          {"thread_wall_seconds", stats.thread_wall_seconds}};
}

}  // namespace

CaseProfiler::CaseProfiler(const std::optional<profiler::Options>& request) : request_(request) {
  if (!request_) return;
  auto session = profiler::Session::create(*request_);
  if (!session.ok()) {
    off_reason_ = session.error().message;
    return;
  }
  session_ = std::move(*session);
}

CaseProfiler::~CaseProfiler() = default;

void CaseProfiler::drain_if_filling() {
  if (!session_) return;
  const profiler::Stats stats = session_->stats();
  const std::uint64_t threshold = kDrainEverySamplesPerThread * std::max<std::uint64_t>(1, stats.threads);
  if (stats.samples - samples_at_last_drain_ < threshold) return;
  session_->collect();  // the session keeps what it collected; finish() returns it all
  samples_at_last_drain_ = stats.samples;
}

void CaseProfiler::finish(nlohmann::json& details, std::set<std::string>& notes) {
  if (!request_) return;
  if (!session_) {
    notes.insert(fmt::format("profiling off: {}", off_reason_));
    return;
  }
  session_->stop();
  const profiler::FoldedStacks stacks = session_->collect();
  nlohmann::json profile = profile_request_to_json(*request_);
  profile["stats"] = stats_to_json(session_->stats());
  profile["folded"] = stacks.write();
  details["profile"] = std::move(profile);
}

}  // namespace velo

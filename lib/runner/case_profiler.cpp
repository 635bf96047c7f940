#include "runner/case_profiler.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "profiler/pprof_reader.hpp"
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

nlohmann::json profile_json(const profiler::Options& request, const profiler::FoldedStacks& stacks,
                            const profiler::Stats& stats) {
  nlohmann::json profile = profile_request_to_json(request);
  profile["stats"] = stats_to_json(stats);
  profile["folded"] = stacks.write();
  return profile;
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
  details["profile"] = profile_json(*request_, stacks, session_->stats());
}

ProcessProfileRequest CaseProfiler::for_processes(const profiler::Options& request) {
  return {.wall = request.mode == profiler::Mode::wall, .hz = request.hz, .thread_root = request.thread_root};
}

void CaseProfiler::attach(const profiler::Options& request, const std::optional<ProcessProfile>& profile,
                          nlohmann::json& details, std::set<std::string>& notes) {
  if (!profile) {
    notes.insert("not profiled: this external family does not sample its processes");
    return;
  }
  if (!profile->off_reason.empty()) {
    notes.insert(fmt::format("profiling off: {}", profile->off_reason));
    return;
  }
  profiler::FoldedStacks stacks;
  profiler::Stats stats;
  if (!profile->pprof.empty()) {
    // A pprof profile (Go's): its samples and period are the statistics.
    auto read = profiler::read_pprof(profile->pprof, profile->source);
    if (!read) {
      notes.insert(fmt::format("profiling off: {}", read.error().describe()));
      return;
    }
    stacks = std::move(read->stacks);
    stats.samples = stats.weighted_samples = stacks.total();
    if (read->period > 0 && read->period_unit == "nanoseconds") {
      stats.effective_hz = 1e9 / static_cast<double>(read->period);
      stats.thread_cpu_seconds = static_cast<double>(stats.samples) / stats.effective_hz;
    }
  } else {
    auto read = profiler::FoldedStacks::parse(profile->folded, profile->source);
    if (!read) {
      notes.insert(fmt::format("profiling off: {}", read.error().describe()));
      return;
    }
    stacks = std::move(*read);
    stats.samples = profile->samples;
    stats.overruns = profile->overruns;
    stats.weighted_samples = profile->samples + profile->overruns;
    stats.lost_buffer_full = profile->lost_buffer_full;
    stats.lost_unwind = profile->lost_unwind;
    stats.threads = profile->threads;
    if (profile->sampled_seconds > 0) {
      stats.effective_hz = static_cast<double>(profile->samples) / profile->sampled_seconds;
    }
    (request.mode == profiler::Mode::cpu ? stats.thread_cpu_seconds : stats.thread_wall_seconds) =
        profile->sampled_seconds;
  }
  details["profile"] = profile_json(request, stacks, stats);
}

}  // namespace velo

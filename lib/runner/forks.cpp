#include "runner/forks.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "stats/fork_spread.hpp"

namespace velo {

namespace {

// A profiled fork's stacks and counts added to the case's (details.profile,
// runner/case_profiler.cpp): folded text concatenates (a stack listed twice is
// summed when parsed), counts and seconds add up, the thread count is the largest
// and the effective rate is the sample-weighted mean.
void merge_profile(nlohmann::json& into, const nlohmann::json& from) {
  if (!into.is_object() || !from.is_object()) return;
  if (from.contains("folded") && from["folded"].is_string()) {
    into["folded"] = into.value("folded", std::string()) + from["folded"].get<std::string>();
  }
  if (!into.contains("stats") || !from.contains("stats")) return;
  nlohmann::json& stats = into["stats"];
  const nlohmann::json& more = from["stats"];
  const double samples = stats.value("samples", 0.0), more_samples = more.value("samples", 0.0);
  if (samples + more_samples > 0) {
    stats["effective_hz"] =
        (stats.value("effective_hz", 0.0) * samples + more.value("effective_hz", 0.0) * more_samples) /
        (samples + more_samples);
  }
  stats["threads"] = std::max(stats.value("threads", 0), more.value("threads", 0));
  for (const char* key : {"samples", "weighted_samples", "overruns", "lost_buffer_full", "lost_unwind"}) {
    stats[key] = stats.value(key, std::uint64_t{0}) + more.value(key, std::uint64_t{0});
  }
  for (const char* key : {"thread_cpu_seconds", "thread_wall_seconds"}) {
    stats[key] = stats.value(key, 0.0) + more.value(key, 0.0);
  }
}

// How far the forks' medians of ns_per_op lie apart, and whether that is beyond
// their own noise (stats/fork_spread.hpp). Recomputed after every fork.
void record_fork_spread(report::CaseResult& result) {
  const report::MetricResult* metric = result.find_metric(metrics::ns_per_op);
  const nlohmann::json& shares = result.details["fork_repetitions"];
  if (!metric || shares.size() < 2) return;
  const std::vector<int> per_fork = shares.get<std::vector<int>>();
  const stats::ForkSpread spread = stats::fork_spread(metric->samples, per_fork);
  if (spread.medians.empty()) return;
  result.details["fork_spread"] = {{"metric", metrics::ns_per_op},
                                   {"medians", spread.medians},
                                   {"min_median", spread.min_median},
                                   {"max_median", spread.max_median},
                                   {"pooled_mad", spread.pooled_mad},
                                   {"assessable", spread.assessable},
                                   {"disagree", spread.disagree}};
}

void append_array(nlohmann::json& details, const nlohmann::json& more, const char* key) {
  if (!more.contains(key)) return;
  for (const auto& item : more[key]) details[key].push_back(item);
}

}  // namespace

int fork_repetitions(const RunSettings& settings, int fork) {
  const int forks = std::max(1, settings.forks);
  return settings.repetitions / forks + (fork < settings.repetitions % forks ? 1 : 0);
}

Case fork_spec(const Case& spec, int fork) {
  Case forked = spec;
  forked.settings.repetitions = fork_repetitions(spec.settings, fork);
  return forked;
}

void ForkedResult::add(report::CaseResult fork) {
  const int forks = spec_.settings.forks;
  const int fork_share = fork.spec.settings.repetitions;
  ++forks_done_;
  if (forks_done_ == 1) {
    result_ = std::move(fork);
  } else if (fork.status != report::CaseStatus::ok) {
    result_.status = fork.status;
    result_.reason = fmt::format("in fork {} of {}: {}", forks_done_, forks, fork.reason);
    result_.metrics.clear();
    result_.wall_seconds += fork.wall_seconds;
  } else {
    std::erase_if(result_.metrics, [&](report::MetricResult& metric) {
      const report::MetricResult* more = fork.find_metric(metric.spec.name);
      if (!more) return true;
      metric.samples.insert(metric.samples.end(), more->samples.begin(), more->samples.end());
      metric.summary = stats::summarize(metric.samples);
      return false;
    });
    nlohmann::json& details = result_.details;
    append_array(details, fork.details, "iterations");
    if (fork.details.contains("notes")) {
      std::set<std::string> notes;
      for (const auto* list : {&details, &fork.details}) {
        for (const auto& note : list->value("notes", nlohmann::json::array())) notes.insert(note.get<std::string>());
      }
      details["notes"] = std::vector<std::string>(notes.begin(), notes.end());
    }
    if (details.contains("profile") && fork.details.contains("profile")) {
      merge_profile(details["profile"], fork.details["profile"]);
    }
    if (fork.peak_rss_bytes) {
      result_.peak_rss_bytes = std::max(result_.peak_rss_bytes.value_or(0), *fork.peak_rss_bytes);
    }
    result_.wall_seconds += fork.wall_seconds;
  }
  result_.spec = spec_;  // the case as specified, not one fork's share of it
  if (forks > 1 && result_.status == report::CaseStatus::ok) {
    result_.details["fork_repetitions"].push_back(fork_share);
    record_fork_spread(result_);
  }
}

}  // namespace velo

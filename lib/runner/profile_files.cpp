#include "runner/profile_files.hpp"

#include <fmt/format.h>

#include <filesystem>

#include "core/atomic_file.hpp"
#include "core/text.hpp"

namespace velo {

namespace {

constexpr std::size_t kMaxStem = 200;
// An effective rate within 10% of the requested one is not worth a note: timer
// granularity alone moves it by a few percent.
constexpr double kSlowRateRatio = 0.9;

bool safe_file_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == ',' ||
         c == '=' || c == '+' || c == '-';
}

std::uint64_t json_count(const nlohmann::json& stats, const char* key) {
  const auto it = stats.find(key);
  return it != stats.end() && it->is_number_unsigned() ? it->get<std::uint64_t>() : 0;
}

}  // namespace

std::string profile_file_stem(std::string_view case_id) {
  std::string stem;
  for (char c : case_id) stem += safe_file_char(c) ? c : '_';
  if (stem.empty() || stem.front() == '.') stem.insert(0, "_");  // never hidden, never "." or ".."
  if (stem.size() > kMaxStem) {
    std::string hash = content_hash(case_id);  // "fnv1a64:0123..."
    stem = stem.substr(0, kMaxStem) + "-" + hash.substr(hash.find(':') + 1);
  }
  return stem;
}

Status ProfileFiles::take(report::CaseResult& result) {
  auto profile = result.details.find("profile");
  if (profile == result.details.end() || !profile->is_object()) return {};
  const auto folded = profile->find("folded");
  if (folded == profile->end() || !folded->is_string()) return {};
  const std::string text = folded->get<std::string>();
  profile->erase("folded");
  auto stacks = profiler::FoldedStacks::parse(text, result.spec.id);
  if (!stacks.ok()) return make_error(fmt::format("the profile of {}: {}", result.spec.id, stacks.error().describe()));

  std::error_code ec;
  std::filesystem::create_directories(dir_, ec);
  if (ec) return make_error(fmt::format("cannot create the profile directory {}: {}", dir_, ec.message()));
  std::string name = profile_file_stem(result.spec.id) + ".folded";
  for (int n = 2; files_.count(name) || name == "merged.folded"; ++n) {
    name = fmt::format("{}-{}.folded", profile_file_stem(result.spec.id), n);
  }
  const std::string path = (std::filesystem::path(dir_) / name).string();
  if (auto written = write_file_atomically(path, stacks->write()); !written.ok()) return written.error();
  files_.insert(name);
  (*profile)["folded_file"] = path;

  for (const auto& [stack, count] : stacks->stacks()) {
    std::vector<std::string> frames{result.spec.id};
    for (std::string_view frame : profiler::split_frames(stack)) frames.emplace_back(frame);
    merged_.add(frames, count);
  }

  const nlohmann::json stats = profile->value("stats", nlohmann::json::object());
  const double hz = profile->value("hz", 0.0);
  const double effective = stats.value("effective_hz", 0.0);
  const std::uint64_t samples = json_count(stats, "samples");
  samples_ += samples;
  if (samples == 0) ++empty_cases_;
  if (samples > 0 && hz > 0 && effective < kSlowRateRatio * hz) {
    ++slow_cases_;
    if (effective / hz < lowest_rate_ratio_) {
      lowest_rate_ratio_ = effective / hz;
      lowest_rate_text_ = fmt::format("{:.0f} Hz of {:.0f} Hz requested, {}", effective, hz, result.spec.id);
    }
  }
  const std::uint64_t full = json_count(stats, "lost_buffer_full"), unwind = json_count(stats, "lost_unwind");
  if (full + unwind > 0) ++lossy_cases_;
  lost_buffer_full_ += full;
  lost_unwind_ += unwind;
  return {};
}

Status ProfileFiles::write_merged() {
  if (files_.empty()) return {};
  return write_file_atomically((std::filesystem::path(dir_) / "merged.folded").string(), merged_.write());
}

std::vector<std::string> ProfileFiles::notes() const {
  std::vector<std::string> notes;
  if (slow_cases_ > 0) {
    notes.push_back(fmt::format(
        "profiling: the effective sampling rate was below the requested rate in {} of {} profiled cases (lowest: "
        "{}): CPU-time timers fire on the kernel's scheduler tick (CONFIG_HZ) and a busy machine delivers fewer "
        "signals; sample counts are weighted by timer overruns, but the profile's resolution is the effective rate",
        slow_cases_, cases(), lowest_rate_text_));
  }
  if (lossy_cases_ > 0) {
    notes.push_back(fmt::format("profiling: {} of {} samples were lost in {} cases ({} ring full, {} unwind failed)",
                                lost_buffer_full_ + lost_unwind_, samples_ + lost_buffer_full_ + lost_unwind_,
                                lossy_cases_, lost_buffer_full_, lost_unwind_));
  }
  if (empty_cases_ > 0) {
    notes.push_back(fmt::format(
        "profiling: {} profiled cases have no samples: their measured phase was shorter than a sampling period "
        "(raise --min-time or --profile-hz)",
        empty_cases_));
  }
  return notes;
}

}  // namespace velo

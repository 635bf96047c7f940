#include "families/external/preload.hpp"

#include <dirent.h>
#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include <fmt/format.h>

#include "core/input_file.hpp"
#include "families/external/preload_config.hpp"

namespace velo::external {

Expected<std::string> preload_library() {
#if !VELO_PRELOAD_BUILT
  return make_error("this velo was built with a sanitizer, and its preload library cannot be loaded into other "
                    "programs (the sanitizer's runtime would have to come first)");
#else
  if (const char* path = std::getenv("VELO_PRELOAD_LIBRARY"); path != nullptr && *path != '\0') {
    if (::access(path, R_OK) != 0) {
      return make_error(fmt::format("VELO_PRELOAD_LIBRARY='{}' cannot be read: {}", path, std::strerror(errno)));
    }
    return std::string(path);
  }
  for (const char* path : {VELO_PRELOAD_BUILD_PATH, VELO_PRELOAD_INSTALL_PATH}) {
    if (::access(path, R_OK) == 0) return std::string(path);
  }
  return make_error(fmt::format("velo's preload library is neither at {} nor at {} (set VELO_PRELOAD_LIBRARY)",
                                VELO_PRELOAD_BUILD_PATH, VELO_PRELOAD_INSTALL_PATH));
#endif
}

void Harvest::absorb(Harvest&& other) {
  for (auto& record : other.records) records.push_back(std::move(record));
  folded += other.folded;
  if (profile_error.empty()) profile_error = std::move(other.profile_error);
}

Expected<PreloadDir> PreloadDir::make(const std::optional<ProcessProfileRequest>& profile, bool measured_phase_only) {
  auto library = preload_library();
  if (!library) return library.error();
  const char* tmp = std::getenv("TMPDIR");
  std::string dir = fmt::format("{}/velo-preload-XXXXXX", tmp && *tmp ? tmp : "/tmp");
  if (::mkdtemp(dir.data()) == nullptr) {
    return make_error(fmt::format("cannot create a directory for the preload's records: {}", std::strerror(errno)));
  }
  PreloadDir out;
  out.dir_ = std::move(dir);
  out.library_ = std::move(*library);
  if (profile) {
    out.profile_variable_ = fmt::format("{}:{}:{}{}", profile->wall ? "wall" : "cpu",
                                        profile->hz, measured_phase_only ? "measured" : "process",
                                        profile->thread_root ? ":thread_root" : "");
  }
  return out;
}

PreloadDir::PreloadDir(PreloadDir&& other) noexcept
    : dir_(std::move(other.dir_)), library_(std::move(other.library_)),
      profile_variable_(std::move(other.profile_variable_)) {
  other.dir_.clear();
}

PreloadDir::~PreloadDir() {
  if (dir_.empty()) return;
  (void)harvest();  // removes whatever is left
  ::rmdir(dir_.c_str());
}

void PreloadDir::apply(LaunchSpec& spec) const {
  // The scenario's LD_PRELOAD (in extra_env) wins over the worker's; ours goes first.
  std::string others;
  if (const char* inherited = std::getenv("LD_PRELOAD")) others = inherited;
  std::vector<std::string> env;
  for (auto& entry : spec.extra_env) {
    if (entry.rfind("LD_PRELOAD=", 0) == 0) others = entry.substr(11);
    else env.push_back(std::move(entry));
  }
  env.push_back(fmt::format("LD_PRELOAD={}{}{}", library_, others.empty() ? "" : " ", others));
  env.push_back(fmt::format("{}={}", preload::kDirEnv, dir_));
  if (!profile_variable_.empty()) env.push_back(fmt::format("{}={}", preload::kProfileEnv, profile_variable_));
  spec.extra_env = std::move(env);
}

Expected<Harvest> PreloadDir::harvest() {
  Harvest harvest;
  DIR* listing = ::opendir(dir_.c_str());
  if (listing == nullptr) return make_error(fmt::format("preload directory '{}': {}", dir_, std::strerror(errno)));
  std::vector<std::string> names;
  while (const dirent* entry = ::readdir(listing)) {
    const std::string name = entry->d_name;
    if (name != "." && name != "..") names.push_back(name);
  }
  ::closedir(listing);
  std::sort(names.begin(), names.end());
  std::optional<Error> first_error;
  for (const auto& name : names) {
    const std::string path = dir_ + "/" + name;
    auto ends_with = [&](std::string_view suffix) {
      return name.size() > suffix.size() && name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0;
    };
    if (ends_with(".record") || ends_with(".folded") || ends_with(".profile-error")) {
      auto text = read_input_file(path, "preload record", kMaxDataFileBytes);
      if (!text) {
        if (!first_error) first_error = text.error();
      } else if (ends_with(".record")) {
        auto record = preload::parse_record(*text, path);
        if (record) harvest.records.push_back(std::move(*record));
        else if (!first_error) first_error = record.error();
      } else if (ends_with(".folded")) {
        harvest.folded += *text;  // the runner's reader checks it and sums repeated stacks
        if (!harvest.folded.empty() && harvest.folded.back() != '\n') harvest.folded += '\n';
      } else if (harvest.profile_error.empty()) {
        harvest.profile_error = text->substr(0, text->find('\n'));
      }
    }
    ::unlink(path.c_str());  // .tmp files too: a process killed while writing
  }
  if (first_error) return *first_error;
  return harvest;
}

namespace {

constexpr std::string_view kNoRecord =
    "no process of the program left an allocation record: it does not load velo's preload library (a statically "
    "linked program, or a set-user-ID one) or it ended without running exit handlers (_exit, a signal, exec)";
constexpr std::string_view kGo =
    "a Go program allocates from its own heap, not through malloc: measure it as a gobench case for allocs/op";
constexpr std::string_view kCountingOff = "allocation counting is off in the program (VELO_ALLOC_COUNTING=0)";

}  // namespace

std::variant<AllocationCounts, std::string> command_allocations(const Harvest& harvest) {
  if (harvest.records.empty()) return std::string(kNoRecord);
  AllocationCounts sum;
  for (const auto& record : harvest.records) {
    if (record.go) return std::string(kGo);
    if (!record.counting) return std::string(kCountingOff);
    sum.allocations += record.allocations;
    sum.bytes += record.bytes;
  }
  return sum;
}

std::variant<std::vector<PerOp>, std::string> gbench_allocations(const Harvest& harvest,
                                                                 const std::vector<std::int64_t>& iterations) {
  if (harvest.records.empty()) return std::string(kNoRecord);
  const preload::ProcessRecord* benchmark = nullptr;
  for (const auto& record : harvest.records) {
    if (record.gbench && (benchmark == nullptr || record.brackets.size() > benchmark->brackets.size())) {
      benchmark = &record;
    }
  }
  if (benchmark == nullptr) {
    return std::string(
        "Google Benchmark's State hooks never ran: the binary links Google Benchmark statically (or is not a "
        "Google Benchmark binary), so the preload cannot tell when its benchmarks run");
  }
  if (!benchmark->counting) return std::string(kCountingOff);
  const auto& brackets = benchmark->brackets;
  if (brackets.size() < iterations.size()) {
    return fmt::format("the benchmark ran {} timed loops but reported {} repetitions", brackets.size(),
                       iterations.size());
  }
  std::vector<PerOp> out;
  const std::size_t first = brackets.size() - iterations.size();
  for (std::size_t i = 0; i < iterations.size(); ++i) {
    const preload::Bracket& bracket = brackets[first + i];
    if (bracket.iterations != iterations[i] || bracket.iterations <= 0) {
      return fmt::format(
          "the timed loops could not be matched with the reported repetitions (repetition {} reports {} "
          "iterations, its loop ran {}; a threaded benchmark or a newer Google Benchmark?)",
          i + 1, iterations[i], bracket.iterations);
    }
    const auto n = static_cast<double>(bracket.iterations);
    out.push_back({static_cast<double>(bracket.allocations) / n, static_cast<double>(bracket.bytes) / n});
  }
  return out;
}

ProcessProfile profile_of(const Harvest& harvest) {
  ProcessProfile out;
  bool any = false;
  for (const auto& record : harvest.records) {
    if (!record.profiled) continue;
    any = true;
    out.samples += record.profile.samples;
    out.overruns += record.profile.overruns;
    out.lost_buffer_full += record.profile.lost_buffer_full;
    out.lost_unwind += record.profile.lost_unwind;
    out.threads += record.profile.threads;
    out.sampled_seconds += record.profile.sampled_seconds;
  }
  if (!any) {
    out.off_reason = !harvest.profile_error.empty()
                         ? harvest.profile_error
                         : harvest.records.empty() ? std::string(kNoRecord)
                                                   : "no process of the program was sampled";
    return out;
  }
  out.folded = harvest.folded;
  out.source = "the preload's folded stacks";
  return out;
}

}  // namespace velo::external

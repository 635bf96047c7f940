#include "runner/valgrind.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <system_error>

#include "core/build_info.hpp"
#include "core/text.hpp"
#include "hwcounters/perf_group.hpp"
#include "runner/child_process.hpp"

namespace velo {

std::optional<std::string> find_valgrind() {
  if (const char* given = std::getenv(kValgrindPathEnv); given && *given) {
    if (::access(given, X_OK) == 0) return std::string(given);
    return std::nullopt;
  }
  const char* path = std::getenv("PATH");
  std::string_view dirs = path ? path : "/usr/bin:/bin";
  while (true) {
    const auto colon = dirs.find(':');
    std::string dir(dirs.substr(0, colon));
    if (dir.empty()) dir = ".";
    const std::string candidate = dir + "/valgrind";
    if (::access(candidate.c_str(), X_OK) == 0) return candidate;
    if (colon == std::string_view::npos) return std::nullopt;
    dirs.remove_prefix(colon + 1);
  }
}

std::vector<std::string> callgrind_options(const MeasureSettings& settings) {
  // -q: Valgrind's banner would fill the stderr tail quoted when a worker fails.
  std::vector<std::string> options{"--tool=callgrind", "-q", "--instr-atstart=no"};
  if (settings.cache_sim) {
    options.emplace_back("--cache-sim=yes");
    for (const char* geometry : kCacheGeometry) options.emplace_back(geometry);
  }
  if (settings.branch_sim) options.emplace_back("--branch-sim=yes");
  return options;
}

Expected<ValgrindLaunch> ValgrindLaunch::prepare(const MeasureSettings& settings) {
  // AddressSanitizer and ThreadSanitizer reserve shadow memory Valgrind cannot give
  // them: such a worker dies at start-up under Valgrind, so say why before any case.
  if (const std::string sanitizers = build::sanitizers();
      sanitizers.find("address") != std::string::npos || sanitizers.find("thread") != std::string::npos) {
    return make_error(fmt::format("--measure instructions cannot run this velo under Valgrind: it is built with "
                                  "-Db_sanitize={}, which Valgrind does not support; use a build without "
                                  "AddressSanitizer or ThreadSanitizer",
                                  sanitizers));
  }
  const auto valgrind = find_valgrind();
  if (!valgrind) {
    return make_error("--measure instructions needs Valgrind, and none was found in PATH (Debian: apt-get install "
                      "valgrind; ./dev installs it)");
  }
  std::error_code ec;
  const auto tmp = std::filesystem::temp_directory_path(ec);
  std::string pattern = (ec ? std::filesystem::path("/tmp") : tmp) / "velo-callgrind-XXXXXX";
  if (::mkdtemp(pattern.data()) == nullptr) {
    return make_error(fmt::format("cannot create a directory for callgrind's output ({}): {}", pattern,
                                  std::strerror(errno)));
  }
  ValgrindLaunch launch;
  launch.directory_ = pattern;
  const auto options = callgrind_options(settings);
  const std::string out = pattern + "/callgrind.out";
  launch.prefix_.push_back(*valgrind);
  launch.prefix_.insert(launch.prefix_.end(), options.begin(), options.end());
  launch.prefix_.push_back("--callgrind-out-file=" + out);
  launch.environment_[kCallgrindOutEnv] = out;
  launch.environment_[kValgrindOptionsEnv] = join(options, " ");
  return launch;
}

ValgrindLaunch::ValgrindLaunch(ValgrindLaunch&& other) noexcept
    : prefix_(std::move(other.prefix_)),
      environment_(std::move(other.environment_)),
      directory_(std::exchange(other.directory_, std::string())) {}

ValgrindLaunch::~ValgrindLaunch() {
  if (directory_.empty()) return;
  std::error_code ec;
  std::filesystem::remove_all(directory_, ec);  // best effort: a leftover is in /tmp
}

Status check_measure_modes(const std::vector<Case>& cases, bool isolate, bool profiled) {
  bool instructions = false, counters = false;
  for (const Case& c : cases) {
    if (c.skip_reason) continue;
    instructions |= c.settings.measure.mode == MeasureMode::instructions;
    counters |= c.settings.measure.mode == MeasureMode::counters;
  }
  if (instructions) {
    if (!isolate) {
      return make_error("--measure instructions runs each case's worker under Valgrind and cannot be combined "
                        "with --no-isolate");
    }
    if (profiled) {
      return make_error("--measure instructions cannot be combined with profiling: sampling a process under "
                        "Valgrind would profile the simulator (use callgrind_annotate on a callgrind run instead)");
    }
    const auto valgrind = find_valgrind();
    if (!valgrind) {
      return make_error(fmt::format("--measure instructions needs Valgrind, and {} (Debian: apt-get install "
                                    "valgrind; ./dev installs it)",
                                    std::getenv(kValgrindPathEnv) ? fmt::format("${} does not name an executable",
                                                                                kValgrindPathEnv)
                                                                  : std::string("none was found in PATH")));
    }
    const auto version = command_output({*valgrind, "--version"}, std::chrono::seconds(10));
    if (!version) return make_error(fmt::format("{} --version failed: is it Valgrind?", *valgrind));
  }
  if (counters) {
    hw::TeamCounters probe({::gettid()});
    if (!probe.available()) {
      return make_error(fmt::format("--measure counters: hardware counters are unavailable here: {}",
                                    probe.unavailable_reason()));
    }
  }
  return {};
}

}  // namespace velo

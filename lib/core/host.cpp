#include "core/host.hpp"

#include <gnu/libc-version.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "core/build_info.hpp"
#include "core/params.hpp"

namespace velo {

namespace {

std::optional<std::string> read_first_line(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::string line;
  if (!in || !std::getline(in, line)) return std::nullopt;
  return line;
}

std::string cpu_model_name() {
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line)) {
    // x86 says "model name", arm64 may only say "CPU part"/"Hardware".
    if (line.rfind("model name", 0) == 0 || line.rfind("Hardware", 0) == 0) {
      auto colon = line.find(':');
      if (colon != std::string::npos) {
        auto value = line.substr(colon + 1);
        value.erase(0, value.find_first_not_of(" \t"));
        return value;
      }
    }
  }
  return {};
}

}  // namespace

std::vector<CacheInfo> read_cpu_caches() {
  std::vector<CacheInfo> caches;
  const std::filesystem::path root = "/sys/devices/system/cpu/cpu0/cache";
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(root, ec)) {
    if (entry.path().filename().string().rfind("index", 0) != 0) continue;
    CacheInfo info;
    auto level = read_first_line(entry.path() / "level");
    auto type = read_first_line(entry.path() / "type");
    auto size = read_first_line(entry.path() / "size");
    auto line = read_first_line(entry.path() / "coherency_line_size");
    if (!level || !type || !size) continue;
    if (*type == "Instruction") continue;
    info.level = std::atoi(level->c_str());
    info.type = *type;
    info.size_bytes = parse_bytes(*size).value_or(0);
    info.line_bytes = line ? std::atoi(line->c_str()) : 0;
    caches.push_back(info);
  }
  std::sort(caches.begin(), caches.end(),
            [](const CacheInfo& a, const CacheInfo& b) { return a.level < b.level; });
  return caches;
}

std::string cache_level_for(std::int64_t bytes, const std::vector<CacheInfo>& caches) {
  for (const auto& cache : caches) {
    if (cache.size_bytes > 0 && bytes <= cache.size_bytes) {
      return cache.level == 1 ? "L1d" : fmt::format("L{}", cache.level);
    }
  }
  return "DRAM";
}

std::string iso8601_utc_now() {
  const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm utc{};
  gmtime_r(&now, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return text;
}

Environment capture_environment() {
  Environment env;
  struct utsname names {};
  if (uname(&names) == 0) {
    env.hostname = names.nodename;
    env.os = names.sysname;
    env.kernel = names.release;
    env.arch = names.machine;
  }
  env.cpu_model = cpu_model_name();
  env.logical_cpus = static_cast<int>(sysconf(_SC_NPROCESSORS_ONLN));
  env.caches = read_cpu_caches();
  env.governor = read_first_line("/sys/devices/system/cpu/cpu0/cpufreq/scaling_governor");
  env.compiler = build::compiler();
  env.compiler_flags = build::compiler_flags();
  env.build_type = build::build_type();
  env.libc = fmt::format("glibc {}", gnu_get_libc_version());
  return env;
}

}  // namespace velo

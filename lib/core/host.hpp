// What machine this is: recorded in reports (so comparisons across machines warn)
// and used by families that size their data to the cache hierarchy.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace velo {

struct CacheInfo {
  int level = 0;
  std::string type;  // "Data", "Instruction", "Unified"
  std::int64_t size_bytes = 0;
  int line_bytes = 0;
  bool operator==(const CacheInfo&) const = default;
};

struct Environment {
  std::string hostname;
  std::string os;          // "Linux"
  std::string kernel;      // uname -r
  std::string arch;        // uname -m
  std::string cpu_model;
  int logical_cpus = 0;
  std::vector<CacheInfo> caches;
  std::optional<std::string> governor;  // cpufreq scaling governor, when readable
  std::string compiler;    // "gcc 12.2.0"
  std::string compiler_flags;
  std::string build_type;  // meson buildtype
  std::string libc;        // "glibc 2.36"
  bool operator==(const Environment&) const = default;
};

// Reads uname, /proc/cpuinfo and /sys; fields that cannot be read stay empty.
Environment capture_environment();

// The data and unified caches of CPU 0 from /sys/devices/system/cpu/cpu0/cache.
std::vector<CacheInfo> read_cpu_caches();

// "L1d", "L2", "L3" or "DRAM": the smallest data cache level `bytes` fits in.
std::string cache_level_for(std::int64_t bytes, const std::vector<CacheInfo>& caches);

// Seconds since the epoch as ISO 8601 UTC, "2026-11-23T23:20:17Z".
std::string iso8601_utc_now();

}  // namespace velo

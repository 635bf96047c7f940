// The library side of allocation accounting: reads the interposer through weak
// references, so it links (and reports counting off) when the interposer is absent.
#include "alloc/counting.hpp"

#include <dlfcn.h>
#include <sys/resource.h>

#include <cstring>
#include <string_view>

#include <fmt/format.h>

#include "alloc/interposer_hooks.hpp"

extern "C" {
__attribute__((weak)) bool velo_alloc_interposer_counting() noexcept;
__attribute__((weak)) void velo_alloc_interposer_totals(std::uint64_t out[3]) noexcept;
__attribute__((weak)) void* velo_alloc_interposer_real_malloc() noexcept;
}

namespace velo::alloc {

bool counting_active() {
  return velo_alloc_interposer_counting != nullptr && velo_alloc_interposer_counting();
}

Counts totals() {
  if (!counting_active()) return {};
  std::uint64_t sums[3] = {0, 0, 0};
  velo_alloc_interposer_totals(sums);
  return {.allocations = sums[0], .bytes = sums[1], .frees = sums[2]};
}

namespace {

// The file name of the object that defines the malloc serving this process.
std::string library_of(void* function) {
  Dl_info info{};
  if (function == nullptr || dladdr(function, &info) == 0 || info.dli_fname == nullptr) return {};
  std::string_view path = info.dli_fname;
  if (auto slash = path.rfind('/'); slash != std::string_view::npos) path.remove_prefix(slash + 1);
  return std::string(path);
}

std::string jemalloc_version() {
  using Mallctl = int (*)(const char*, void*, std::size_t*, void*, std::size_t);
  auto mallctl = reinterpret_cast<Mallctl>(dlsym(RTLD_DEFAULT, "mallctl"));
  const char* version = nullptr;
  std::size_t size = sizeof version;
  if (mallctl == nullptr || mallctl("version", &version, &size, nullptr, 0) != 0 || version == nullptr) {
    return "jemalloc (version unknown)";
  }
  // "5.3.0-0-g54eaed1d8b56b1aa528be3bdd1877e59c56fa90c": keep the release.
  std::string_view text = version;
  return fmt::format("jemalloc {}", text.substr(0, text.find('-')));
}

std::string mimalloc_version() {
  using MiVersion = int (*)();
  auto mi_version = reinterpret_cast<MiVersion>(dlsym(RTLD_DEFAULT, "mi_version"));
  if (mi_version == nullptr) return "mimalloc (version unknown)";
  const int v = mi_version();  // 209 = 2.0.9
  return fmt::format("mimalloc {}.{}.{}", v / 100, v / 10 % 10, v % 10);
}

}  // namespace

std::string active_allocator() {
  void* serving = velo_alloc_interposer_real_malloc != nullptr ? velo_alloc_interposer_real_malloc()
                                                               : dlsym(RTLD_DEFAULT, "malloc");
  const std::string library = library_of(serving);
  if (library.find("jemalloc") != std::string::npos) return jemalloc_version();
  if (library.find("mimalloc") != std::string::npos) return mimalloc_version();
  if (library.rfind("libc.so", 0) == 0) return "glibc";
  return library.empty() ? "unknown" : library;
}

bool sanitizer_replaces_malloc() {
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
  return true;
#else
  return false;
#endif
}

std::string allocator_family(const std::string& active) { return active.substr(0, active.find(' ')); }

std::optional<std::uint64_t> peak_rss_bytes() {
  rusage usage{};
  if (getrusage(RUSAGE_SELF, &usage) != 0) return std::nullopt;
  return static_cast<std::uint64_t>(usage.ru_maxrss) * 1024;  // Linux reports KiB
}

}  // namespace velo::alloc

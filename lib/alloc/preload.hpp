// Where the alternative allocators live, for starting a worker process with one of
// them preloaded (LD_PRELOAD). Which allocator then really serves the process is
// checked separately, by active_allocator().
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace velo::alloc {

// The allocators velo knows how to preload; "glibc" is the default (no preload).
inline constexpr std::string_view preloadable[] = {"jemalloc", "mimalloc"};

// The shared library to preload for `family` ("jemalloc", "mimalloc"), if it is
// installed; nullopt for "glibc" or an unknown name.
std::optional<std::string> find_allocator_library(std::string_view family);

// The Debian package that provides `family`, for skip reasons: "libjemalloc2".
std::string_view allocator_package(std::string_view family);

}  // namespace velo::alloc

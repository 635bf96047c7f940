#include "alloc/preload.hpp"

#include <unistd.h>

#include <array>

namespace velo::alloc {
namespace {

struct Known {
  std::string_view family;
  std::string_view soname;
  std::string_view package;
};

constexpr std::array known = {
    Known{"jemalloc", "libjemalloc.so.2", "libjemalloc2"},
    Known{"mimalloc", "libmimalloc.so.2", "libmimalloc2.0"},
};

// Debian's multiarch directories first, then the classic ones.
constexpr std::array directories = {
    "/usr/lib/x86_64-linux-gnu/", "/usr/lib/aarch64-linux-gnu/", "/usr/lib64/",
    "/usr/lib/",                  "/usr/local/lib/",
};

const Known* find_known(std::string_view family) {
  for (const Known& k : known) {
    if (k.family == family) return &k;
  }
  return nullptr;
}

}  // namespace

std::optional<std::string> find_allocator_library(std::string_view family) {
  const Known* k = find_known(family);
  if (k == nullptr) return std::nullopt;
  for (const char* directory : directories) {
    std::string path = std::string(directory).append(k->soname);
    if (access(path.c_str(), R_OK) == 0) return path;
  }
  return std::nullopt;
}

std::string_view allocator_package(std::string_view family) {
  const Known* k = find_known(family);
  return k ? k->package : std::string_view{};
}

}  // namespace velo::alloc

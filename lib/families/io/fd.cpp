#include "families/io/fd.hpp"

#include <fmt/format.h>

#include <cstring>

namespace velo::io {

std::string errno_text(int err) {
  const char* name = strerrorname_np(err);
  return fmt::format("{} ({})", name ? name : std::to_string(err).c_str(), std::strerror(err));
}

std::string system_error(const std::string& what, int err) {
  return fmt::format("{}: {}", what, errno_text(err));
}

}  // namespace velo::io

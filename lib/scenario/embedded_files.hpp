// Files compiled into the binary by tools/embed_files.py (see lib/scenario/meson.build).
#pragma once

#include <span>
#include <string_view>

namespace velo {

struct EmbeddedFile {
  std::string_view name;     // relative to scenarios/, e.g. "quick/counters.toml"
  std::string_view content;  // the file's exact bytes
};

// scenarios/quick/*.toml, sorted by name.
std::span<const EmbeddedFile> quick_suite_files();

}  // namespace velo

// The one list of implementations that count in `--measure instructions` although their
// work runs in other processes (families/counted_process.hpp). A new external kind that
// can be counted adds its line here; one that is not listed is skipped with the reason.
#include <array>
#include <string_view>

#include "families/counted_process.hpp"
#include "families/external/external.hpp"

namespace velo {

const ProcessCount* find_process_count(std::string_view family, std::string_view impl) {
  struct Entry {
    std::string_view family, impl;
    ProcessCount count;
  };
  static const std::array<Entry, 3> entries{{
      {"command", "command", count_command},
      {"gbench", "gbench", count_gbench},
      {"gobench", "gobench", count_gobench},
  }};
  for (const auto& entry : entries) {
    if (entry.family == family && entry.impl == impl) return &entry.count;
  }
  return nullptr;
}

}  // namespace velo

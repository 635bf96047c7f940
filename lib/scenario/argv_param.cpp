#include "scenario/argv_param.hpp"

#include <algorithm>
#include <array>

namespace velo::scenario_detail {

namespace {

bool needs_quotes(const std::string& word) {
  if (word.empty()) return true;
  for (const char c : word) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f' || c == '\'' || c == '"' ||
        c == '\\') {
      return true;
    }
  }
  return false;
}

}  // namespace

std::string argv_text(const std::vector<std::string>& words) {
  std::string out;
  for (const std::string& word : words) {
    if (!out.empty()) out += ' ';
    if (!needs_quotes(word)) {
      out += word;
      continue;
    }
    out += '\'';
    for (const char c : word) {
      if (c == '\'') out += "'\\''";  // close, an escaped quote, reopen
      else out += c;
    }
    out += '\'';
  }
  return out;
}

bool is_argv_param(std::string_view family, std::string_view impl, std::string_view name) {
  static constexpr std::array<std::string_view, 5> kCommandLines = {"command", "baseline_command", "setup",
                                                                     "prepare", "cleanup"};
  if (impl == "external_command") return name == "command" || name == "baseline_command";  // in a built-in family
  return family == "command" && std::find(kCommandLines.begin(), kCommandLines.end(), name) != kCommandLines.end();
}

}  // namespace velo::scenario_detail

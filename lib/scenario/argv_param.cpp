#include "scenario/argv_param.hpp"

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

}  // namespace velo::scenario_detail

#include "families/external/command_line.hpp"

#include <fmt/format.h>

namespace velo::external {

Expected<std::vector<std::string>> split_words(std::string_view text) {
  std::vector<std::string> words;
  std::string word;
  bool in_word = false;
  auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (is_space(c)) {
      if (in_word) words.push_back(std::move(word));
      word.clear();
      in_word = false;
      continue;
    }
    in_word = true;
    if (c == '\\') {
      if (i + 1 == text.size()) return make_error("the command ends with a lone backslash");
      word += text[++i];
    } else if (c == '\'') {
      const std::size_t end = text.find('\'', i + 1);
      if (end == std::string_view::npos) {
        return make_error(fmt::format("unterminated single quote at character {} of the command", i + 1));
      }
      word.append(text.substr(i + 1, end - i - 1));
      i = end;
    } else if (c == '"') {
      std::size_t j = i + 1;
      for (; j < text.size() && text[j] != '"'; ++j) {
        if (text[j] == '\\' && j + 1 < text.size() &&
            (text[j + 1] == '"' || text[j + 1] == '\\' || text[j + 1] == '$' || text[j + 1] == '`')) {
          ++j;
        }
        word += text[j];
      }
      if (j == text.size()) {
        return make_error(fmt::format("unterminated double quote at character {} of the command", i + 1));
      }
      i = j;
    } else {
      word += c;
    }
  }
  if (in_word) words.push_back(std::move(word));
  return words;
}

namespace {

bool name_start(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool name_char(char c) { return name_start(c) || (c >= '0' && c <= '9'); }

// The name inside a "{name}" starting at text[i] == '{', or empty.
std::string_view placeholder_at(std::string_view text, std::size_t i) {
  if (i + 2 >= text.size() || !name_start(text[i + 1])) return {};
  std::size_t j = i + 1;
  while (j < text.size() && name_char(text[j])) ++j;
  if (j == text.size() || text[j] != '}') return {};
  return text.substr(i + 1, j - i - 1);
}

}  // namespace

std::vector<std::string> placeholders(std::string_view text) {
  std::vector<std::string> names;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '{') continue;
    const std::string_view name = placeholder_at(text, i);
    if (name.empty()) continue;
    bool seen = false;
    for (const auto& n : names) seen = seen || n == name;
    if (!seen) names.emplace_back(name);
  }
  return names;
}

std::string substitute(std::string_view text, const Params& params) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const std::string_view name = text[i] == '{' ? placeholder_at(text, i) : std::string_view{};
    auto it = name.empty() ? params.values().end() : params.values().find(name);
    if (it == params.values().end()) {
      out += text[i];
      continue;
    }
    out += format_param(it->second);
    i += name.size() + 1;
  }
  return out;
}

}  // namespace velo::external

#include "core/pattern.hpp"

#include <re2/re2.h>

#include <fmt/format.h>

namespace velo {

namespace {

// Enough of the pattern to recognise it; a 40 kB pattern is not printed whole.
std::string shown(std::string_view text) {
  constexpr std::size_t kShown = 60;
  if (text.size() <= kShown) return std::string(text);
  return fmt::format("{}... ({} bytes)", text.substr(0, kShown), text.size());
}

}  // namespace

Pattern::Pattern(std::string text, std::shared_ptr<const re2::RE2> compiled)
    : text_(std::move(text)), compiled_(std::move(compiled)) {}

Expected<Pattern> Pattern::compile(std::string_view text, std::string_view what, SourceLocation where) {
  if (text.size() > kMaxPatternBytes) {
    return make_error(fmt::format("{}: the regular expression is {} bytes long; the limit is {} bytes", what,
                                  text.size(), kMaxPatternBytes),
                      std::move(where));
  }
  re2::RE2::Options options;
  options.set_log_errors(false);   // the error travels as a value instead
  options.set_max_mem(8 << 20);    // bounds the compiled program of a hostile pattern
  auto compiled = std::make_shared<const re2::RE2>(re2::StringPiece(text.data(), text.size()), options);
  if (!compiled->ok()) {
    return make_error(fmt::format("{}: '{}' is not a valid regular expression (RE2 syntax): {}", what, shown(text),
                                  compiled->error()),
                      std::move(where));
  }
  return Pattern(std::string(text), std::move(compiled));
}

bool Pattern::search(std::string_view text) const {
  return re2::RE2::PartialMatch(re2::StringPiece(text.data(), text.size()), *compiled_);
}

}  // namespace velo

// The one way velo matches user-supplied regular expressions against case ids
// (--filter, gate-file and scenario [gate] case patterns).
//
// The engine is RE2 (https://github.com/google/re2/wiki/Syntax): it runs in time
// linear in the input and neither its parser nor its matcher recurse on the
// pattern's structure, so a pattern from a report or a gate file cannot exhaust the
// stack the way std::regex does on deeply nested groups. Patterns are further
// bounded to kMaxPatternBytes and to RE2's memory budget; anything beyond is an
// Error naming the option or file it came from, never a crash.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include "core/result.hpp"

namespace re2 {
class RE2;
}

namespace velo {

// Longest pattern accepted (documented in the README, "Limits").
inline constexpr std::size_t kMaxPatternBytes = 4096;

class Pattern {
 public:
  // `what` names the source in messages: "--filter", "pattern".
  static Expected<Pattern> compile(std::string_view text, std::string_view what, SourceLocation where = {});

  // True if the pattern matches anywhere in `text` (unanchored, like grep).
  bool search(std::string_view text) const;
  const std::string& text() const { return text_; }

 private:
  Pattern(std::string text, std::shared_ptr<const re2::RE2> compiled);
  std::string text_;
  std::shared_ptr<const re2::RE2> compiled_;  // shared: a Pattern is copied with the options that hold it
};

}  // namespace velo

// Text helpers shared by parsers and renderers.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"

namespace velo {

// Levenshtein distance.
std::size_t edit_distance(std::string_view a, std::string_view b);

// The candidate closest to `word` if it is close enough to be a plausible typo
// (distance <= max(1, len/3)); for "did you mean ...?" hints.
std::optional<std::string> closest_match(std::string_view word,
                                         const std::vector<std::string>& candidates);

// "50ms", "0.2s", "1.5m", "250us", "100ns" -> seconds. A bare number is an error:
// a duration without a unit is too easy to misread.
std::optional<double> parse_duration(std::string_view text);

// The range of every duration velo accepts (README, "Limits"): a shorter non-zero
// value would round to zero, a longer one overflows the clocks it is added to.
inline constexpr double kMinDurationSeconds = 1e-9;
inline constexpr double kMaxDurationSeconds = 7 * 24 * 3600.0;
// parse_duration within those limits; the message says what is wrong with `text`
// (the caller adds which option or key it was).
Expected<double> read_duration(std::string_view text, bool zero_allowed);
// Seconds as short text: "12.3ms", "4.56s", "2m05s".
std::string format_duration(double seconds);

// A number with an SI suffix and about 3 significant digits: 81.3M, 12.0k, 4.56.
std::string format_si(double value);
// Byte counts in binary units, three significant digits: "64 B", "4.00 KiB", "1.50 MiB".
std::string format_bytes(double bytes);
// Three significant digits, no suffix: 1234.5 -> "1235", 0.01234 -> "0.0123".
std::string format_significant(double value, int digits = 3);

// `text` with every byte sequence that is not valid UTF-8 (stray continuation bytes,
// truncated sequences, overlong forms, surrogates, code points above U+10FFFF)
// replaced by U+FFFD, one per maximal invalid subpart as the Unicode standard
// recommends (ch. 3, "U+FFFD Substitution of Maximal Subparts"). Symbol names and
// folded stacks from real programs contain such bytes; JSON and XML may not.
std::string valid_utf8(std::string_view text);
// The length of the valid UTF-8 character starting at text[0], or 0 if none does.
std::size_t utf8_sequence_length(std::string_view text);

// What is wrong with the first character of `name` that may not appear in a name
// shown in tables, progress lines, CSV and case ids: a control character (newline,
// NUL, tab, ...), ';', a Unicode bidirectional control (U+061C, U+200E, U+200F,
// U+202A..U+202E, U+2066..U+2069: they reorder the text around them), or one of the
// bytes in `also`. nullopt when the name is clean.
std::optional<std::string> forbidden_name_character(std::string_view name, std::string_view also = "");

std::string join(const std::vector<std::string>& parts, std::string_view separator);

// FNV-1a 64-bit hash, "fnv1a64:<16 hex digits>": detects that a scenario file changed.
std::string content_hash(std::string_view bytes);

}  // namespace velo

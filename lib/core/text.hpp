// Text helpers shared by parsers and renderers.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

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
// Seconds as short text: "12.3ms", "4.56s", "2m05s".
std::string format_duration(double seconds);

// A number with an SI suffix and about 3 significant digits: 81.3M, 12.0k, 4.56.
std::string format_si(double value);
// Byte counts in binary units, three significant digits: "64 B", "4.00 KiB", "1.50 MiB".
std::string format_bytes(double bytes);
// Three significant digits, no suffix: 1234.5 -> "1235", 0.01234 -> "0.0123".
std::string format_significant(double value, int digits = 3);

std::string join(const std::vector<std::string>& parts, std::string_view separator);

// FNV-1a 64-bit hash, "fnv1a64:<16 hex digits>": detects that a scenario file changed.
std::string content_hash(std::string_view bytes);

}  // namespace velo

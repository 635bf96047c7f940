#include "core/text.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <numeric>

namespace velo {

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  std::iota(row.begin(), row.end(), std::size_t{0});
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

std::optional<std::string> closest_match(std::string_view word,
                                         const std::vector<std::string>& candidates) {
  std::optional<std::string> best;
  std::size_t best_distance = std::max<std::size_t>(1, word.size() / 3) + 1;
  for (const auto& candidate : candidates) {
    const std::size_t d = edit_distance(word, candidate);
    if (d < best_distance) {
      best_distance = d;
      best = candidate;
    }
  }
  return best;
}

std::optional<double> parse_duration(std::string_view text) {
  double value = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || value < 0 || !std::isfinite(value)) return std::nullopt;
  std::string_view unit(ptr, static_cast<std::size_t>(text.data() + text.size() - ptr));
  if (unit == "ns") return value * 1e-9;
  if (unit == "us" || unit == "µs") return value * 1e-6;
  if (unit == "ms") return value * 1e-3;
  if (unit == "s") return value;
  if (unit == "m" || unit == "min") return value * 60;
  return std::nullopt;
}

Expected<double> read_duration(std::string_view text, bool zero_allowed) {
  if (text.empty()) return make_error("expected a duration such as 50ms, 0.2s or 2m, got an empty string");
  const std::optional<double> seconds = parse_duration(text);
  if (!seconds) {
    return make_error(fmt::format("expected a duration such as 50ms, 0.2s or 2m (units ns, us, ms, s, m), got '{}'",
                                  text));
  }
  if (*seconds == 0) {
    if (zero_allowed) return 0.0;
    return make_error(fmt::format("must be greater than zero, got '{}'", text));
  }
  if (*seconds < kMinDurationSeconds) {
    return make_error(fmt::format("'{}' is shorter than the smallest duration, 1ns", text));
  }
  if (*seconds > kMaxDurationSeconds) {
    return make_error(fmt::format("'{}' is longer than the largest duration, 7 days", text));
  }
  return *seconds;
}

std::string format_duration(double seconds) {
  if (seconds < 1e-6) return fmt::format("{}ns", format_significant(seconds * 1e9));
  if (seconds < 1e-3) return fmt::format("{}us", format_significant(seconds * 1e6));
  if (seconds < 1) return fmt::format("{}ms", format_significant(seconds * 1e3));
  if (seconds < 60) return fmt::format("{}s", format_significant(seconds));
  const auto whole = static_cast<long long>(std::llround(seconds));
  if (whole < 3600) return fmt::format("{}m{:02}s", whole / 60, whole % 60);
  return fmt::format("{}h{:02}m", whole / 3600, (whole % 3600) / 60);
}

std::string format_significant(double value, int digits) {
  if (value == 0 || !std::isfinite(value)) return fmt::format("{}", value);
  const int magnitude = static_cast<int>(std::floor(std::log10(std::fabs(value))));
  const int decimals = std::max(0, digits - 1 - magnitude);
  return fmt::format("{:.{}f}", value, decimals);
}

std::string format_si(double value) {
  static constexpr std::pair<double, const char*> scales[] = {
      {1e12, "T"}, {1e9, "G"}, {1e6, "M"}, {1e3, "k"}};
  // Round to three significant digits first, so 999960 prints as 1.00M, not 1000k.
  double rounded = value;
  if (value != 0 && std::isfinite(value)) {
    const double unit = std::pow(10.0, std::floor(std::log10(std::fabs(value))) - 2);
    rounded = std::round(value / unit) * unit;
  }
  for (auto [scale, suffix] : scales) {
    if (std::fabs(rounded) >= scale) return format_significant(rounded / scale) + suffix;
  }
  return format_significant(value);
}

std::string format_bytes(double bytes) {
  static constexpr std::pair<double, const char*> scales[] = {
      {1024.0 * 1024 * 1024 * 1024, "TiB"}, {1024.0 * 1024 * 1024, "GiB"}, {1024.0 * 1024, "MiB"}, {1024.0, "KiB"}};
  for (auto [scale, suffix] : scales) {
    if (std::fabs(bytes) >= scale) return format_significant(bytes / scale) + " " + suffix;
  }
  return format_significant(bytes) + " B";
}

namespace {

// The bytes at the start of `text` that form one character or, if they do not, the
// maximal subpart of one (at least 1 byte). `valid` says which.
std::size_t utf8_prefix(std::string_view text, bool& valid) {
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
  const unsigned char lead = byte(0);
  valid = true;
  if (lead < 0x80) return 1;
  std::size_t length = 0;
  unsigned char low = 0x80, high = 0xBF;  // the range of the second byte (Unicode Table 3-7)
  if (lead >= 0xC2 && lead <= 0xDF) length = 2;
  else if (lead == 0xE0) length = 3, low = 0xA0;
  else if (lead >= 0xE1 && lead <= 0xEC) length = 3;
  else if (lead == 0xED) length = 3, high = 0x9F;  // no surrogates
  else if (lead >= 0xEE && lead <= 0xEF) length = 3;
  else if (lead == 0xF0) length = 4, low = 0x90;
  else if (lead >= 0xF1 && lead <= 0xF3) length = 4;
  else if (lead == 0xF4) length = 4, high = 0x8F;  // nothing above U+10FFFF
  valid = false;
  if (length == 0) return 1;
  if (text.size() < 2 || byte(1) < low || byte(1) > high) return 1;
  for (std::size_t i = 2; i < length; ++i) {
    if (i >= text.size() || (byte(i) & 0xC0) != 0x80) return i;
  }
  valid = true;
  return length;
}

}  // namespace

std::size_t utf8_sequence_length(std::string_view text) {
  if (text.empty()) return 0;
  bool valid = false;
  const std::size_t n = utf8_prefix(text, valid);
  return valid ? n : 0;
}

std::string valid_utf8(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  while (!text.empty()) {
    bool valid = false;
    const std::size_t n = utf8_prefix(text, valid);
    if (valid) out.append(text.substr(0, n));
    else out += "\xEF\xBF\xBD";
    text.remove_prefix(n);
  }
  return out;
}

std::optional<std::string> forbidden_name_character(std::string_view name, std::string_view also) {
  for (std::size_t i = 0; i < name.size(); ++i) {
    const auto c = static_cast<unsigned char>(name[i]);
    if (c == '\n') return "a line break";
    if (c == 0) return "a NUL byte";
    if (c < 0x20 || c == 0x7f) return fmt::format("the control character U+{:04X}", c);
    if (c == ';' || also.find(static_cast<char>(c)) != std::string_view::npos) return fmt::format("'{}'", name[i]);
    // Bidirectional controls, by their UTF-8 bytes.
    const std::string_view rest = name.substr(i);
    for (std::string_view bidi : {"\xD8\x9C", "\xE2\x80\x8E", "\xE2\x80\x8F", "\xE2\x80\xAA", "\xE2\x80\xAB",
                                  "\xE2\x80\xAC", "\xE2\x80\xAD", "\xE2\x80\xAE", "\xE2\x81\xA6",
                                  "\xE2\x81\xA7", "\xE2\x81\xA8", "\xE2\x81\xA9"}) {
      if (rest.starts_with(bidi)) return "a bidirectional control character";
    }
  }
  return std::nullopt;
}

std::string join(const std::vector<std::string>& parts, std::string_view separator) {
  std::string out;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (i) out += separator;
    out += parts[i];
  }
  return out;
}

std::string content_hash(std::string_view bytes) {
  std::uint64_t hash = 0xcbf29ce484222325ULL;
  for (unsigned char c : bytes) {
    hash ^= c;
    hash *= 0x100000001b3ULL;
  }
  return fmt::format("fnv1a64:{:016x}", hash);
}

}  // namespace velo

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

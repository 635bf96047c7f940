// Display width of UTF-8 text in a terminal, for aligning table columns: a
// multi-byte character is one column, East Asian wide characters and emoji two,
// combining marks none (after Unicode UAX #11, coarse ranges; no locale needed).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace velo::exporter {

std::size_t display_width(std::string_view text);

// `text` cut to at most `width` columns, ending in "…" when something was cut.
std::string truncate_to_width(std::string_view text, std::size_t width);
// `text` padded with spaces to `width` columns, on the right or the left.
std::string pad_right(std::string_view text, std::size_t width);
std::string pad_left(std::string_view text, std::size_t width);

}  // namespace velo::exporter

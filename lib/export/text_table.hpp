// Columns aligned by display width (UTF-8 aware, ANSI colour codes ignored), for
// the terminal renderers.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace velo::exporter {

// Characters as a terminal shows them: UTF-8 code points, escape sequences skipped.
std::size_t display_width(std::string_view text);

class TextTable {
 public:
  // right_aligned[i]: numbers read best right-aligned.
  TextTable(std::vector<std::string> header, std::vector<bool> right_aligned);
  void add(std::vector<std::string> row);
  std::string render(std::string_view indent = "") const;

 private:
  std::vector<std::string> header_;
  std::vector<bool> right_;
  std::vector<std::vector<std::string>> rows_;
};

}  // namespace velo::exporter

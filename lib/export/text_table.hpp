// Columns aligned by display width (see text_width.hpp), for
// the terminal renderers.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "export/text_width.hpp"

namespace velo::exporter {

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

// Corrections for testing many cases at once. A gate that compares 100 cases at
// alpha = 0.05 would otherwise flag about five of them on pure noise.
#pragma once

#include <span>
#include <string_view>
#include <vector>

namespace velo::stats {

enum class Correction {
  none,
  holm,                // Holm (1979) step-down: controls the family-wise error rate
  benjamini_hochberg,  // Benjamini & Hochberg (1995): controls the false discovery rate
};

// Adjusted p-values, in the input order; compare them to alpha directly.
std::vector<double> adjust_p_values(std::span<const double> p_values, Correction correction);

std::string_view to_string(Correction correction);

}  // namespace velo::stats

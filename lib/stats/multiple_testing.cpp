#include "stats/multiple_testing.hpp"

#include <algorithm>
#include <numeric>

namespace velo::stats {

std::string_view to_string(Correction correction) {
  switch (correction) {
    case Correction::none: return "none";
    case Correction::holm: return "holm";
    case Correction::benjamini_hochberg: return "bh";
  }
  return "?";
}

std::vector<double> adjust_p_values(std::span<const double> p_values, Correction correction) {
  const std::size_t m = p_values.size();
  std::vector<double> adjusted(p_values.begin(), p_values.end());
  if (correction == Correction::none || m == 0) return adjusted;
  std::vector<std::size_t> order(m);
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return p_values[a] < p_values[b]; });
  const double count = static_cast<double>(m);
  if (correction == Correction::holm) {
    // adj_(i) = max over j <= i of min(1, (m - j + 1) p_(j)), ranks 1-based.
    double running = 0;
    for (std::size_t rank = 0; rank < m; ++rank) {
      const double scaled = std::min(1.0, (count - static_cast<double>(rank)) * p_values[order[rank]]);
      running = std::max(running, scaled);
      adjusted[order[rank]] = running;
    }
  } else {
    // adj_(i) = min over j >= i of min(1, m / j * p_(j)).
    double running = 1;
    for (std::size_t rank = m; rank-- > 0;) {
      const double scaled = std::min(1.0, count / static_cast<double>(rank + 1) * p_values[order[rank]]);
      running = std::min(running, scaled);
      adjusted[order[rank]] = running;
    }
  }
  return adjusted;
}

}  // namespace velo::stats

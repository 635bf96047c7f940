#include "history/changes.hpp"

namespace velo::history {

std::vector<DetectedChange> detect_changes(std::span<const double> series, const EDivisiveOptions& options,
                                           const ShiftOptions& shift_options) {
  const std::vector<ChangePoint> points = e_divisive(series, options);
  std::vector<DetectedChange> out;
  for (std::size_t k = 0; k < points.size(); ++k) {
    const std::size_t begin = k == 0 ? 0 : points[k - 1].index;
    const std::size_t at = points[k].index;
    const std::size_t end = k + 1 < points.size() ? points[k + 1].index : series.size();
    out.push_back({points[k], estimate_shift(series.subspan(begin, at - begin), series.subspan(at, end - at),
                                             shift_options)});
  }
  return out;
}

}  // namespace velo::history

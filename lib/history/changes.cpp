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

std::vector<AnalysedSeries> analyse(std::vector<Series> series, const EDivisiveOptions& options, double level) {
  std::vector<AnalysedSeries> out;
  out.reserve(series.size());
  for (Series& s : series) {
    AnalysedSeries a{.series = std::move(s)};
    const std::vector<double> values = a.series.values();
    if (values.size() >= 2 * options.min_segment) {
      a.analysed = true;
      a.changes = detect_changes(values, options, {.level = level, .seed = options.seed});
    }
    out.push_back(std::move(a));
  }
  return out;
}

std::string_view change_verdict(double relative, Better better) {
  const bool up = relative > 0;
  return up == (better == Better::lower) ? "worse" : "better";
}

}  // namespace velo::history

// Change points of one series with their magnitude: E-Divisive (edivisive.hpp) finds
// where the series shifts; each shift is then measured between the neighbouring
// change points (shift.hpp), so a later shift does not blur an earlier one.
#pragma once

#include <span>
#include <string_view>
#include <vector>

#include "history/edivisive.hpp"
#include "history/series.hpp"
#include "history/shift.hpp"

namespace velo::history {

struct DetectedChange {
  ChangePoint point;
  Shift shift;
};

std::vector<DetectedChange> detect_changes(std::span<const double> series, const EDivisiveOptions& options,
                                           const ShiftOptions& shift_options = {});

// A stored series and what `velo history changes` found in it.
struct AnalysedSeries {
  Series series;
  // false: fewer than 2 x min_segment points, so it was not analysed (and `changes`
  // is empty for that reason, not because the series is flat).
  bool analysed = false;
  std::vector<DetectedChange> changes;
};

// detect_changes() on each series long enough for `options` (the medians of its
// points), the shifts' intervals at `level`. Keeps the input's order.
std::vector<AnalysedSeries> analyse(std::vector<Series> series, const EDivisiveOptions& options, double level);

// "worse" or "better" for a change of `relative` in a metric where `better` is better.
std::string_view change_verdict(double relative, Better better);

}  // namespace velo::history

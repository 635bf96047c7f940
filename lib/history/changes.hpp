// Change points of one series with their magnitude: E-Divisive (edivisive.hpp) finds
// where the series shifts; each shift is then measured between the neighbouring
// change points (shift.hpp), so a later shift does not blur an earlier one.
#pragma once

#include <span>
#include <vector>

#include "history/edivisive.hpp"
#include "history/shift.hpp"

namespace velo::history {

struct DetectedChange {
  ChangePoint point;
  Shift shift;
};

std::vector<DetectedChange> detect_changes(std::span<const double> series, const EDivisiveOptions& options,
                                           const ShiftOptions& shift_options = {});

}  // namespace velo::history

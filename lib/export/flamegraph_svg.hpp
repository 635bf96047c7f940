// Flame graphs as one self-contained SVG file (inline CSS and JavaScript, no
// network): the visualisation Brendan Gregg introduced (flamegraph.pl), drawn
// from folded stacks. Every frame's width is its share of all samples; children
// are ordered by name, so the x axis is NOT time. Hover shows name, samples and
// percentage; click zooms to a frame; the search box highlights matching frames.
//
// Differential mode (Gregg's "differential flame graphs"): the layout comes from
// AFTER; a frame is red where its self samples grew relative to BEFORE and blue
// where they shrank, the saturation proportional to the change. With
// `normalise`, BEFORE is scaled to AFTER's total first, so a longer run does not
// look like a regression everywhere.
#pragma once

#include <string>

#include "profiler/folded.hpp"

namespace velo::exporter {

struct FlameOptions {
  std::string title = "Flame Graph";
  int width = 1200;           // pixels
  double min_width = 0.1;     // frames narrower than this (pixels) are omitted
  bool icicle = false;        // root at the top, growing down
  // Differential mode when set.
  const profiler::FoldedStacks* diff_before = nullptr;
  bool normalise = true;
};

std::string flamegraph_svg(const profiler::FoldedStacks& stacks, const FlameOptions& options);

}  // namespace velo::exporter

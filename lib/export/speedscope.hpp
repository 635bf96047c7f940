// speedscope's JSON file format (https://www.speedscope.app/file-format-schema.json):
// one "sampled" profile per thread, frames shared. Threads come from
// "[thread:NAME]" root frames (profiler/folded.hpp); stacks without one go to a
// profile named after `name`. Weights are sample counts (unit "none").
#pragma once

#include <string>

#include "profiler/folded.hpp"

namespace velo::exporter {

std::string speedscope_json(const profiler::FoldedStacks& stacks, const std::string& name);

}  // namespace velo::exporter

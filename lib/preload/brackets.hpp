// Between the preload's two halves: the Google Benchmark hooks (gbench_hooks.cpp)
// say when a benchmark's timed loop starts and ends on some thread; preload.cpp
// turns the outermost start/end pair into a bracket (families/external/preload_record.hpp).
#pragma once

#include <cstdint>

namespace velo::preload {

// A thread's State started timing `iterations` iterations.
void bracket_enter(std::int64_t iterations) noexcept;
// A thread's State finished; the last one to finish closes the bracket.
void bracket_leave() noexcept;

}  // namespace velo::preload

// The few C symbols through which the rest of velo talks to the interposer. The
// library side declares them weak, so a build without the interposer (or with it
// compiled out under a sanitizer) links and simply reports counting as off.
#pragma once

#include <cstdint>

extern "C" {
// True if counting is on (interposer present and VELO_ALLOC_COUNTING != "0").
bool velo_alloc_interposer_counting() noexcept;
// Writes allocations, bytes, frees summed over all threads, live and exited.
void velo_alloc_interposer_totals(std::uint64_t out[3]) noexcept;
// The malloc the interposer forwards to: tells which library serves allocations.
void* velo_alloc_interposer_real_malloc() noexcept;
}

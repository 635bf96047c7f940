// Allocation accounting: how many allocations the process made and how many bytes
// it asked for, the way Go's `-benchmem` reports allocs/op and B/op.
//
// The counts come from the interposer (interposer.cpp), linked whole into every
// velo executable: it replaces the global operator new/delete in all their forms
// and the C allocation calls, counts on the calling thread, and forwards to the
// allocator that would otherwise have served the call (glibc, or a preloaded
// jemalloc/mimalloc). See docs/allocation-accounting.md.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace velo::alloc {

struct Counts {
  std::uint64_t allocations = 0;  // successful allocation calls (realloc counts one)
  std::uint64_t bytes = 0;        // bytes requested by those calls
  std::uint64_t frees = 0;        // releases of non-null pointers (realloc counts one)
};

inline Counts operator-(const Counts& after, const Counts& before) {
  return {after.allocations - before.allocations, after.bytes - before.bytes, after.frees - before.frees};
}

// False if the interposer is not linked, was compiled out (ASan/TSan builds, whose
// runtimes replace malloc themselves) or was disabled with VELO_ALLOC_COUNTING=0.
bool counting_active();

// Sums over every thread, including threads that have exited. Monotonic. Exact
// when the threads being measured are idle (e.g. between ThreadTeam rounds); a
// thread that is allocating meanwhile may be seen a few counts behind.
// All zeros when counting is not active.
Counts totals();

// The allocator actually serving malloc in this process, checked at run time:
// "glibc", "jemalloc <version>", "mimalloc <version>", or the file name of
// whatever library provides malloc (e.g. a sanitizer runtime).
std::string active_allocator();

// True in AddressSanitizer/ThreadSanitizer builds: their runtime replaces malloc
// (active_allocator() then names it, e.g. "libtsan.so.2") and preloading another
// allocator is not possible.
bool sanitizer_replaces_malloc();

// The first word of active_allocator(): "glibc", "jemalloc", "mimalloc", ...
std::string allocator_family(const std::string& active);

// This process's peak resident set size (getrusage), nullopt if unavailable.
std::optional<std::uint64_t> peak_rss_bytes();

}  // namespace velo::alloc

// What the map workload will do, decided before anything is measured: the key
// table, which keys are prefilled, and for every thread a ring of operations
// (kind, key, value) drawn from the requested mix and key distribution. run()
// only walks the rings, so the random generators are never part of the timing.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/params.hpp"

namespace velo::map {

// The mapped type of every variant: `value_bytes` bytes. A write stores a copy of
// one of a few preformed values; a lookup copies the found value out.
using Value = std::string;

enum class OpKind : std::uint8_t { read, write, erase };
inline constexpr int kOpKinds = 3;

struct Op {
  std::uint32_t key;    // index into the key table
  OpKind kind;
  std::uint8_t value;   // which of the thread's preformed values a write stores
};

// Operations per thread ring: large enough that a run does not visibly repeat a
// short pattern, small enough (512 KiB) to stay out of the way of the map itself.
inline constexpr std::size_t kRingSize = std::size_t{1} << 16;
inline constexpr std::size_t kValuesPerThread = 16;

struct Plan {
  std::int64_t prefill_count = 0;           // keys [0, prefill_count) start in the map
  std::vector<std::vector<Op>> rings;       // one per thread, kRingSize each
  std::vector<std::vector<Value>> values;   // one set per thread, kValuesPerThread each
};

// The percentages of lookups, writes and erases in a case. A scenario's matrix is
// a cartesian product, so it cannot pair read_pct/write_pct/erase_pct values; the
// `mix` parameter names the usual splits ("99-1-0" = 99% lookups, 1% writes, 0%
// erases) and "custom" (the default) takes the three *_pct parameters.
struct Mix {
  std::int64_t read_pct;
  std::int64_t write_pct;
  std::int64_t erase_pct;
};
Mix mix_of(const Params& params);
inline constexpr const char* kNamedMixes[] = {"99-1-0", "90-9-1", "50-45-5"};

// Draws the per-thread rings from `params` (threads, keys, prefill, the mix,
// distribution, zipf_theta, zipf_scramble). Deterministic: a fixed seed per thread.
Plan make_plan(const Params& params);

// Key tables. Key i is a bijective 64-bit mix of i, so keys are distinct and their
// bits look random to every hash function; string keys are that number in hex,
// padded to `key_bytes` (>= 16) with a fixed filler.
std::vector<std::uint64_t> make_u64_keys(std::int64_t count);
std::vector<std::string> make_string_keys(std::int64_t count, std::int64_t key_bytes);

}  // namespace velo::map

// The hot_cold workload: `elements` records, each with 16 bytes of hot fields the
// loop reads on every visit (key, score; flags unread) and a cold tail of
// `cold_bytes` (a name, notes: read rarely, never by this loop). Three layouts:
//   hot_cold_inline      the cold tail inside the record: every visit drags
//                        (part of) it through the cache with the hot fields;
//   cold_behind_pointer  the record keeps the hot fields and a pointer to its cold
//                        part, allocated elsewhere: records shrink to 24 bytes;
//   cold_parallel_array  hot and cold parts in two arrays indexed alike: records
//                        shrink to 16 bytes, no pointer at all.
#pragma once

#include <cstdint>
#include <cstring>

#include "families/cacheline/scan_workload.hpp"

namespace velo::cacheline {

struct HotFields {
  std::uint64_t key;
  std::uint32_t score;
  std::uint32_t flags;
};
static_assert(sizeof(HotFields) == 16 && offsetof(HotFields, score) == 8 && offsetof(HotFields, flags) == 12);

template <std::size_t ColdBytes>
struct ColdFields {
  char name[32];
  char notes[ColdBytes - 32];
};
static_assert(sizeof(ColdFields<48>) == 48 && sizeof(ColdFields<112>) == 112 && sizeof(ColdFields<240>) == 240);

inline HotFields hot_value(std::size_t element) {
  return {.key = value_of(element, 0),
          .score = static_cast<std::uint32_t>(value_of(element, 1)),
          .flags = static_cast<std::uint32_t>(element)};
}

template <std::size_t ColdBytes>
void fill_cold(ColdFields<ColdBytes>& cold, std::size_t element) {
  std::memset(&cold, static_cast<int>('a' + element % 26), sizeof cold);
}

constexpr std::uint64_t hot_cold_reference(std::size_t element) {
  return value_of(element, 0) + static_cast<std::uint32_t>(value_of(element, 1));
}

// The hot loop's work on one record: what every layout sums.
inline std::uint64_t hot_sum(const HotFields& hot) { return hot.key + hot.score; }

// The hot fields as layout entries at `base` within a record.
std::vector<FieldLayout> hot_field_layouts(std::size_t base);
std::vector<FieldLayout> cold_field_layouts(std::size_t base, std::size_t cold_bytes);

// Calls make_scan<Layout<ColdBytes>> for cold_bytes in {48, 112, 240}.
template <template <std::size_t> class Layout>
std::variant<std::unique_ptr<Workload>, CaseError> make_hot_cold(const Params& params) {
  switch (params.integer("cold_bytes")) {
    case 48: return make_scan<Layout<48>>(params);
    case 112: return make_scan<Layout<112>>(params);
    case 240: return make_scan<Layout<240>>(params);
    default: return CaseError{"cold_bytes must be 48, 112 or 240"};
  }
}

std::vector<ParamSpec> hot_cold_params();

}  // namespace velo::cacheline

// The aos_soa workload: `elements` particles of `fields_total` 32-bit fields
// (fixed-point x, y, z, mass, ...), and a hot loop that reads the first
// `fields_read` of them from every particle. Three layouts of the same data:
//   aos    array of structs: a particle's fields together, so the loop drags the
//          unread fields through the cache with the read ones;
//   soa    struct of arrays: one array per field, the loop streams only what it reads;
//   aosoa  hybrid: blocks of `block` particles, each field contiguous within a block
//          (what ISPC and SIMD-friendly engines use): SoA's streaming with AoS's locality.
// Integers rather than floats so every order of summation gives the same checksum.
#pragma once

#include <array>
#include <cstdint>
#include <string>

#include "families/cacheline/scan_workload.hpp"

namespace velo::cacheline {

// Names of the fields, in order; a particle has the first fields_total of them.
inline constexpr std::array<std::string_view, 16> kParticleFields = {
    "x", "y", "z", "mass", "vx", "vy", "vz", "charge",
    "ax", "ay", "az", "spin", "id", "kind", "age", "flags"};

constexpr std::uint32_t particle_value(std::size_t element, std::size_t field) {
  return static_cast<std::uint32_t>(value_of(element, field));
}

constexpr std::uint64_t aos_soa_reference(std::size_t element, int fields_read) {
  std::uint64_t sum = 0;
  for (int f = 0; f < fields_read; ++f) sum += particle_value(element, static_cast<std::size_t>(f));
  return sum;
}

// Calls make<FieldsTotal, FieldsRead>() for the case's parameters (checked by the
// family: fields_total in {4, 8, 16}, fields_read in {1, 2, 4, 8, 16} and <= fields_total).
template <template <int, int> class Layout>
std::variant<std::unique_ptr<Workload>, CaseError> make_aos_soa(const Params& params) {
  const auto total = params.integer("fields_total");
  const auto read = params.integer("fields_read");
  auto pick = [&]<int Total>() -> std::variant<std::unique_ptr<Workload>, CaseError> {
    switch (read) {
      case 1: return make_scan<Layout<Total, 1>>(params);
      case 2: return make_scan<Layout<Total, 2>>(params);
      case 4: return make_scan<Layout<Total, 4>>(params);
      default:
        if constexpr (Total >= 8) {
          if (read == 8) return make_scan<Layout<Total, 8>>(params);
        }
        if constexpr (Total >= 16) {
          if (read == 16) return make_scan<Layout<Total, 16>>(params);
        }
        return CaseError{"fields_read must be 1, 2, 4, 8 or 16 and at most fields_total", true};
    }
  };
  switch (total) {
    case 4: return pick.template operator()<4>();
    case 8: return pick.template operator()<8>();
    case 16: return pick.template operator()<16>();
    default: return CaseError{"fields_total must be 4, 8 or 16"};
  }
}

// elements, fields_total and fields_read, as every aos_soa variant declares them.
std::vector<ParamSpec> aos_soa_params();
// Skips cases that read more fields than a particle has.
std::optional<std::string> aos_soa_unsupported(const Params& params);

}  // namespace velo::cacheline

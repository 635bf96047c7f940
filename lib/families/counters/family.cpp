#include "families/counters/counters.hpp"

namespace velo {

Family make_counters_family() {
  Family family;
  family.name = "counters";
  family.doc = "a shared counter incremented by N threads: atomic vs locks vs sharding";
  family.op = "`increments` increments of the counter by one thread";
  family.params = {
      {.name = "threads", .type = ParamType::integer, .default_value = std::int64_t{1},
       .doc = "threads incrementing at once", .min = 1, .max = 1024},
      {.name = "increments", .type = ParamType::integer, .default_value = std::int64_t{1},
       .doc = "increments per operation", .min = 1, .max = 1'000'000},
      {.name = "delay_ns", .type = ParamType::integer, .default_value = std::int64_t{0},
       .doc = "calibrated busy work added to every operation (to inject a known slowdown)",
       .unit = "ns", .min = 0, .max = 1'000'000},
  };
  family.impls = {
#define VELO_VARIANT(file, function) counters::function(),
#include "families/counters/variants.def"
#undef VELO_VARIANT
  };
  return family;
}

}  // namespace velo

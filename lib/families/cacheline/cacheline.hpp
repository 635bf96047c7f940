// Cache-line layout: how much the placement of data in memory costs on this
// machine. Four workloads, each a group of variants over the same data:
//   false_sharing  per-thread counters packed / padded / published once, and a
//                  mutex on the same line as its data or not (op = one increment);
//   field_order    the same record with its fields declared wastefully, largest
//                  first, or [[gnu::packed]] (op = one record visited);
//   aos_soa        particles as AoS, SoA or AoSoA (op = one particle visited);
//   hot_cold       hot fields with the cold tail inline, behind a pointer, or in a
//                  parallel array (op = one record visited).
// Every case reports its struct layouts (pahole-style) and, for the scans, the
// cache level its working set falls in on this machine.
#pragma once

#include "families/family.hpp"

namespace velo {

Family make_cacheline_family();

namespace cacheline {

// false_sharing
// One Implementation per variant, as variants.def lists them.
#define VELO_VARIANT(file, function) Implementation function();
#include "families/cacheline/variants.def"
#undef VELO_VARIANT

// Parameters several variants share.
ParamSpec threads_param();
ParamSpec elements_param();

// Family::validate and Family::describe_details.
std::optional<std::string> validate(const Params& params);
std::string describe_details(const nlohmann::json& details);

}  // namespace cacheline

}  // namespace velo

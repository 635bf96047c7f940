// Shared counters: N threads increment one logical counter. The smallest family,
// and the worked example of how a family is put together.
#pragma once

#include "families/family.hpp"

namespace velo {

Family make_counters_family();

namespace counters {
// One Implementation per variant file.
// One Implementation per variant, as variants.def lists them.
#define VELO_VARIANT(file, function) Implementation function();
#include "families/counters/variants.def"
#undef VELO_VARIANT
}  // namespace counters

}  // namespace velo

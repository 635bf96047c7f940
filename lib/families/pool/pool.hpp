// Object pools: is pooling worth it for this object size and thread count, or is
// the allocator already good enough? Every variant takes, uses and gives back
// buffers of `object_bytes`; allocation counts per op sit next to the times.
#pragma once

#include "families/family.hpp"

namespace velo {

Family make_pool_family();

namespace pool {
// One Implementation per variant file.
// One Implementation per variant, as variants.def lists them.
#define VELO_VARIANT(file, function) Implementation function();
#include "families/pool/variants.def"
#undef VELO_VARIANT
}  // namespace pool

}  // namespace velo

// What the std::pmr variants share: the pool options they are built with.
#pragma once

#include <memory_resource>

#include "families/pool/objects.hpp"

namespace velo::pool {

// Pools sized for exactly this object size: without largest_required_pool_block,
// libstdc++ sends large objects (above its default pool limit) straight upstream.
inline std::pmr::pool_options pool_options_for(const PoolSetup& setup) {
  return {.max_blocks_per_chunk = 0, .largest_required_pool_block = setup.object_bytes};
}

}  // namespace velo::pool

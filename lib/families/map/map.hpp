// Concurrent maps: "which map should I use for my read/write mix, key skew and
// thread count?" Lock-based maps (one lock, a reader-writer lock, sharded),
// Abseil's flat map in shards, oneTBB's and libcuckoo's concurrent maps, and Go's
// sync.Map design, all driven by one workload (map_workload.hpp).
#pragma once

#include "families/family.hpp"

namespace velo {

Family make_map_family();

}  // namespace velo

// Concurrent maps: "which map should I use for my read/write mix, key skew and
// thread count?" Lock-based maps (one lock, a reader-writer lock, sharded),
// Abseil's flat map in shards, oneTBB's and libcuckoo's concurrent maps, and Go's
// two sync.Map designs (Go 1.9-1.23, and Go 1.24+'s hash-trie), all driven by one
// workload (map_workload.hpp).
#pragma once

#include "families/family.hpp"

namespace velo {

Family make_map_family();

}  // namespace velo

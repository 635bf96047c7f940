// sharded_mutex: `shards` std::unordered_maps, each behind its own std::mutex and
// on its own cache lines; a key's hash picks its shard. Operations on different
// shards never touch the same lock, so contention falls by about the shard count
// (less under a skewed key distribution, where the hot keys' shards stay hot).
#pragma once

#include <mutex>
#include <unordered_map>

#include "families/map/locked_map.hpp"

namespace velo::map {

template <typename Key>
using ShardedMutexMap = ShardedMap<std::unordered_map<Key, Value>, std::mutex>;

}  // namespace velo::map

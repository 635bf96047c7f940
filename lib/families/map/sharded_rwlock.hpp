// sharded_rwlock: sharded_mutex with a std::shared_mutex per shard: lookups share
// their shard's lock. Shows whether reader/writer locking still pays once
// sharding has already spread the contention.
#pragma once

#include <shared_mutex>
#include <unordered_map>

#include "families/map/locked_map.hpp"

namespace velo::map {

template <typename Key>
using ShardedRwlockMap = ShardedMap<std::unordered_map<Key, Value>, std::shared_mutex>;

}  // namespace velo::map

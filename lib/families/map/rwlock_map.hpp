// rwlock_map: one std::unordered_map behind one std::shared_mutex (a pthread
// rwlock), i.e. what a Go map under sync.RWMutex becomes. Lookups share the lock,
// writes take it exclusively. The folk wisdom says this helps read-heavy mixes;
// each shared acquisition is still an atomic write to the lock word, so readers on
// different cores fight over that one cache line.
#pragma once

#include <shared_mutex>
#include <unordered_map>

#include "families/map/locked_map.hpp"

namespace velo::map {

template <typename Key>
using RwlockMap = SingleLockMap<std::unordered_map<Key, Value>, std::shared_mutex>;

}  // namespace velo::map

// mutex_map: one std::unordered_map behind one std::mutex. The baseline every
// concurrent design must beat: every operation, lookups included, serialises on
// one lock (and its cache line).
#pragma once

#include <mutex>
#include <unordered_map>

#include "families/map/locked_map.hpp"

namespace velo::map {

template <typename Key>
using MutexMap = SingleLockMap<std::unordered_map<Key, Value>, std::mutex>;

}  // namespace velo::map

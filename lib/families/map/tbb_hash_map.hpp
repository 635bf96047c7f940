// tbb_hash_map: oneTBB's tbb::concurrent_hash_map, an outside reference. A chained
// hash table with a reader-writer spin lock per bucket, grown concurrently by
// splitting segments; callers hold an accessor (write lock) or const_accessor
// (read lock) on one element while they use it.
//
// Under ThreadSanitizer the map allocates with std::allocator instead of
// tbb_allocator: tbb_allocator hands out memory from libtbbmalloc, which is not
// instrumented, so TSan cannot see a node freed by erase() and reused by another
// thread's insert() and reports the reuse as a race (a false positive that made
// the TSan job flaky). Measured builds keep TBB's own allocator.
#pragma once

#include <tbb/concurrent_hash_map.h>

#include <memory>
#include <utility>

#include "core/params.hpp"
#include "families/map/plan.hpp"

namespace velo::map {

template <typename Key>
class TbbHashMap {
 public:
  TbbHashMap(int, std::size_t expected_keys, const Params&) : map_(expected_keys) {}

  bool find(int, const Key& key, Value& out) {
    typename Map::const_accessor element;
    if (!map_.find(element, key)) return false;
    out = element->second;
    return true;
  }

  bool insert_or_assign(int, const Key& key, const Value& value) {
    typename Map::accessor element;
    const bool inserted = map_.insert(element, key);
    element->second = value;
    return inserted;
  }

  bool erase(int, const Key& key) { return map_.erase(key); }

  std::size_t size() const { return map_.size(); }

 private:
#if defined(__SANITIZE_THREAD__)
  using Map = tbb::concurrent_hash_map<Key, Value, tbb::tbb_hash_compare<Key>,
                                       std::allocator<std::pair<const Key, Value>>>;
#else
  using Map = tbb::concurrent_hash_map<Key, Value>;
#endif
  Map map_;
};

}  // namespace velo::map

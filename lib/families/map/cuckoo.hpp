// cuckoo: libcuckoo's cuckoohash_map (Li, Andersen, Kaminsky, Freedman, "Algorithmic
// improvements for fast concurrent Cuckoo hashing", EuroSys 2014), an outside
// reference. Each key has two candidate buckets of 4 slots; an operation locks the
// (striped) spinlocks of both buckets; inserts into full buckets move keys along a
// cuckoo path found by BFS before locking it.
#pragma once

#include <libcuckoo/cuckoohash_map.hh>

#include "core/params.hpp"
#include "families/map/plan.hpp"

namespace velo::map {

template <typename Key>
class CuckooMap {
 public:
  CuckooMap(int, std::size_t expected_keys, const Params&) : map_(expected_keys) {}

  bool find(int, const Key& key, Value& out) {
    return map_.find_fn(key, [&](const Value& value) { out = value; });
  }
  // upsert's result: true when the key was inserted rather than updated.
  bool insert_or_assign(int, const Key& key, const Value& value) { return map_.insert_or_assign(key, value); }
  bool erase(int, const Key& key) { return map_.erase(key); }
  std::size_t size() const { return map_.size(); }

 private:
  libcuckoo::cuckoohash_map<Key, Value> map_;
};

}  // namespace velo::map

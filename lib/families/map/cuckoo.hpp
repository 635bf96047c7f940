// cuckoo: libcuckoo's cuckoohash_map (Li, Andersen, Kaminsky, Freedman, "Algorithmic
// improvements for fast concurrent Cuckoo hashing", EuroSys 2014), an outside
// reference. Each key has two candidate buckets of 4 slots; an operation locks the
// (striped) spinlocks of both buckets; inserts into full buckets move keys along a
// cuckoo path found by BFS before locking it.
//
// The table is built with room for 5/4 of the key space (at least 4096 keys), so it
// never grows: growth is a different cost than the one measured here, and
// Debian's libcuckoo 0.3.1 races while growing (lock_one() reads the list of
// lock arrays, all_locks_.back(), without synchronisation while a resizing thread
// appends to it; ThreadSanitizer reports it; see also efficient/libcuckoo issues
// #51 and #107).
#pragma once

#include <algorithm>

#include <libcuckoo/cuckoohash_map.hh>

#include "core/params.hpp"
#include "families/map/plan.hpp"

namespace velo::map {

template <typename Key>
class CuckooMap {
 public:
  CuckooMap(int, std::size_t expected_keys, const Params&)
      : map_(std::max<std::size_t>(expected_keys + expected_keys / 4, 4096)) {}

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

// The building blocks of the lock-based variants: a hash map behind one lock, and
// N of those ("shards") chosen by the key's hash.
//
// LockedMap<Inner, Lock>: every operation takes the lock; with a std::shared_mutex
// lookups take it shared, so readers can proceed together (but every shared
// acquisition still writes the lock's reader count: one contended cache line).
//
// Sharded<Shard>: `shards` independent LockedMaps. Each shard (its lock and its
// map header) is aligned to its own cache lines so two shards never share one.
// The shard is picked from the high bits of a multiplicative mix of the key's hash
// (Fibonacci hashing), so it stays independent of the bucket the inner map picks
// from the same hash.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <type_traits>
#include <vector>

#include "core/params.hpp"
#include "families/map/plan.hpp"

namespace velo::map {

template <typename Inner, typename Lock>
class LockedMap {
 public:
  using Key = typename Inner::key_type;
  static constexpr bool kSharedReads = std::is_same_v<Lock, std::shared_mutex>;

  void reserve(std::size_t keys) { map_.reserve(keys); }

  bool find(const Key& key, Value& out) const {
    auto read_locked = [&] {
      const auto it = map_.find(key);
      if (it == map_.end()) return false;
      out = it->second;
      return true;
    };
    if constexpr (kSharedReads) {
      std::shared_lock lock(lock_);
      return read_locked();
    } else {
      std::lock_guard lock(lock_);
      return read_locked();
    }
  }

  bool insert_or_assign(const Key& key, const Value& value) {
    std::lock_guard lock(lock_);
    return map_.insert_or_assign(key, value).second;
  }

  bool erase(const Key& key) {
    std::lock_guard lock(lock_);
    return map_.erase(key) == 1;
  }

  std::size_t size() const {
    std::lock_guard lock(lock_);
    return map_.size();
  }

 private:
  mutable Lock lock_;
  Inner map_;
};

// One whole map behind one lock (mutex_map, rwlock_map).
template <typename Inner, typename Lock>
class SingleLockMap {
 public:
  using Key = typename Inner::key_type;
  SingleLockMap(int, std::size_t expected_keys, const Params&) { map_.reserve(expected_keys); }
  bool find(int, const Key& key, Value& out) { return map_.find(key, out); }
  bool insert_or_assign(int, const Key& key, const Value& value) { return map_.insert_or_assign(key, value); }
  bool erase(int, const Key& key) { return map_.erase(key); }
  std::size_t size() const { return map_.size(); }

 private:
  LockedMap<Inner, Lock> map_;
};

template <typename Inner, typename Lock>
class ShardedMap {
 public:
  using Key = typename Inner::key_type;

  ShardedMap(int, std::size_t expected_keys, const Params& params)
      : shard_count_(static_cast<std::uint64_t>(params.integer("shards"))),
        shards_(std::make_unique<Shard[]>(shard_count_)) {
    for (std::uint64_t s = 0; s < shard_count_; ++s) shards_[s].reserve(expected_keys / shard_count_ + 1);
  }

  bool find(int, const Key& key, Value& out) { return shard_for(key).find(key, out); }
  bool insert_or_assign(int, const Key& key, const Value& value) {
    return shard_for(key).insert_or_assign(key, value);
  }
  bool erase(int, const Key& key) { return shard_for(key).erase(key); }
  std::size_t size() const {
    std::size_t total = 0;
    for (std::uint64_t s = 0; s < shard_count_; ++s) total += shards_[s].size();
    return total;
  }

  std::uint64_t shard_index(const Key& key) const {
    const std::uint64_t mixed = static_cast<std::uint64_t>(std::hash<Key>{}(key)) * 0x9e3779b97f4a7c15ULL;
    // (mixed * shard_count) / 2^64: the high bits pick the shard, for any count.
    __extension__ using Wide = unsigned __int128;
    return static_cast<std::uint64_t>((static_cast<Wide>(mixed) * shard_count_) >> 64);
  }

 private:
  struct alignas(64) Shard : LockedMap<Inner, Lock> {};

  LockedMap<Inner, Lock>& shard_for(const Key& key) { return shards_[shard_index(key)]; }

  std::uint64_t shard_count_;
  std::unique_ptr<Shard[]> shards_;
};

}  // namespace velo::map

// sync_map_go1_23: Go's sync.Map as it was from Go 1.9 to Go 1.23 (src/sync/map.go:
// read/dirty/misses/expunged) in C++. Go 1.24 replaced it with a concurrent
// hash-trie: see sync_map_trie.hpp.
//
// Two maps from key to Entry*:
//   read   an immutable Snapshot that readers reach through one atomic pointer
//          and search without any lock;
//   dirty  a Snapshot under `mutex_`, holding every live entry of read plus the
//          keys added since read was published (read->amended says it has extras).
// An Entry holds an atomic pointer to its value, which lock-free operations swap:
//   a value   the key is present;
//   nullptr   deleted; the entry may still sit in read and dirty;
//   expunged  deleted and absent from dirty (set when dirty was rebuilt).
// Lookups and updates of keys in read never lock. A lookup that misses read while
// read->amended locks and searches dirty, counting a miss; once the misses reach
// dirty's size, dirty is promoted to be the new read (amortised: the rebuild it
// costs is paid for by that many slow lookups). The first new key after a
// promotion rebuilds dirty from read, expunging entries deleted meanwhile so they
// are dropped at the next promotion: deletion is lazy.
//
// Memory reclamation. Readers hold raw pointers to a Snapshot, an Entry and a
// Value without any lock, so nothing they can reach is freed directly: every
// operation runs pinned in an EpochDomain (epoch.hpp), and unlinked objects are
// retired to it:
//   - a Value, when a write or erase swaps it out of its entry;
//   - the old read Snapshot, when dirty is promoted, together with the entries
//     expunged in that generation (exactly the entries of old read missing from
//     the new one: kept in expunged_entries_);
//   - an Entry that was only in dirty, when erase removes its key from dirty.
// A reader pinned before the unlink keeps the epoch from advancing twice, so
// nothing it loaded is freed before it leaves. (std::atomic<std::shared_ptr> would
// also be safe, but in libstdc++ 12 every load sets a lock bit in the shared
// pointer word: readers would all write one cache line, which is what this
// design exists to avoid.)
//
// Writes allocate a new Value (as Go's Store allocates the interface value), and
// new keys a new Entry: that allocation is part of what this variant costs.
#pragma once

#include <atomic>
#include <cassert>
#include <cstdint>
#include <mutex>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "core/params.hpp"
#include "families/map/epoch.hpp"
#include "families/map/plan.hpp"

namespace velo::map {

// Marks an entry as expunged: compared by address, never read.
inline Value expunged_sentinel;

template <typename Key>
class SyncMap {
 public:
  SyncMap(int threads, std::size_t expected_keys, const Params&)
      : epochs_(threads), read_(new Snapshot) {
    read_.load()->table.reserve(expected_keys);
  }

  ~SyncMap() {
    // No operation runs: free what is still linked, then (in ~EpochDomain) what
    // was retired. read and dirty share entries, so collect them once.
    Snapshot* read = read_.load();
    std::unordered_set<Entry*> entries;
    for (const auto& [key, entry] : read->table) entries.insert(entry);
    if (dirty_) {
      for (const auto& [key, entry] : dirty_->table) entries.insert(entry);
    }
    for (Entry* entry : entries) {
      Value* value = entry->value.load();
      if (value != nullptr && value != expunged()) delete value;
      delete entry;
    }
    delete read;
    delete dirty_;
  }

  SyncMap(const SyncMap&) = delete;
  SyncMap& operator=(const SyncMap&) = delete;

  bool find(int thread, const Key& key, Value& out) {
    Pinned pinned(epochs_, thread);
    Snapshot* read = read_.load(std::memory_order_acquire);
    Entry* entry = lookup(read->table, key);
    if (entry == nullptr && read->amended.load(std::memory_order_acquire)) {
      std::lock_guard lock(mutex_);
      read = read_.load(std::memory_order_relaxed);
      entry = lookup(read->table, key);
      if (entry == nullptr && read->amended.load(std::memory_order_relaxed)) {
        entry = lookup(dirty_->table, key);
        record_miss_locked(thread);  // may promote; `entry` stays valid while pinned
      }
    }
    if (entry == nullptr) return false;
    const Value* value = entry->value.load(std::memory_order_acquire);
    if (value == nullptr || value == expunged()) return false;
    out = *value;
    return true;
  }

  bool insert_or_assign(int thread, const Key& key, const Value& value) {
    Pinned pinned(epochs_, thread);
    auto* fresh = new Value(value);
    Snapshot* read = read_.load(std::memory_order_acquire);
    if (Entry* entry = lookup(read->table, key)) {
      // Fast path: swap the value in place unless the entry was expunged (then it
      // must be put back into dirty, under the lock).
      Value* old = entry->value.load(std::memory_order_acquire);
      while (old != expunged()) {
        if (entry->value.compare_exchange_weak(old, fresh, std::memory_order_acq_rel, std::memory_order_acquire)) {
          retire_value(thread, old);
          return old == nullptr;
        }
      }
    }

    std::lock_guard lock(mutex_);
    read = read_.load(std::memory_order_relaxed);
    if (Entry* entry = lookup(read->table, key)) {
      if (entry->value.load(std::memory_order_relaxed) == expunged()) {
        // Unexpunge: expunged entries exist only while dirty does.
        assert(dirty_ != nullptr);
        dirty_->table.emplace(key, entry);
      }
      Value* old = entry->value.exchange(fresh, std::memory_order_acq_rel);
      if (old == expunged()) return true;
      retire_value(thread, old);
      return old == nullptr;
    }
    if (dirty_ != nullptr) {
      if (Entry* entry = lookup(dirty_->table, key)) {
        Value* old = entry->value.exchange(fresh, std::memory_order_acq_rel);
        retire_value(thread, old);
        return old == nullptr;
      }
    }
    if (!read->amended.load(std::memory_order_relaxed)) {
      rebuild_dirty_locked();
      read->amended.store(true, std::memory_order_release);
    }
    dirty_->table.emplace(key, new Entry(fresh));
    return true;
  }

  bool erase(int thread, const Key& key) {
    Pinned pinned(epochs_, thread);
    Snapshot* read = read_.load(std::memory_order_acquire);
    Entry* entry = lookup(read->table, key);
    if (entry == nullptr && read->amended.load(std::memory_order_acquire)) {
      std::lock_guard lock(mutex_);
      read = read_.load(std::memory_order_relaxed);
      entry = lookup(read->table, key);
      if (entry == nullptr && read->amended.load(std::memory_order_relaxed)) {
        bool erased = false;
        if (auto it = dirty_->table.find(key); it != dirty_->table.end()) {
          // The entry is only in dirty: unlink it, then retire it and its value.
          Entry* only_dirty = it->second;
          dirty_->table.erase(it);
          Value* old = only_dirty->value.exchange(nullptr, std::memory_order_acq_rel);
          erased = old != nullptr;
          retire_value(thread, old);
          epochs_.retire(thread, only_dirty, [](void* p) { delete static_cast<Entry*>(p); });
        }
        record_miss_locked(thread);
        return erased;
      }
    }
    if (entry == nullptr) return false;
    Value* old = entry->value.load(std::memory_order_acquire);
    while (old != nullptr && old != expunged()) {
      if (entry->value.compare_exchange_weak(old, nullptr, std::memory_order_acq_rel, std::memory_order_acquire)) {
        retire_value(thread, old);
        return true;
      }
    }
    return false;
  }

  // Live keys. Only while no operation runs.
  std::size_t size() const {
    std::lock_guard lock(mutex_);
    const Snapshot* all = dirty_ != nullptr ? dirty_ : read_.load(std::memory_order_relaxed);
    std::size_t live = 0;
    for (const auto& [key, entry] : all->table) {
      const Value* value = entry->value.load(std::memory_order_relaxed);
      live += (value != nullptr && value != expunged()) ? 1 : 0;
    }
    return live;
  }

  // Observability for tests: how often each slow path ran.
  std::uint64_t promotions() const { return promotions_.load(std::memory_order_relaxed); }
  std::uint64_t expunged_count() const { return expunged_total_.load(std::memory_order_relaxed); }
  EpochDomain& epochs() { return epochs_; }

 private:
  struct Entry {
    explicit Entry(Value* initial) : value(initial) {}
    std::atomic<Value*> value;
  };
  using Table = std::unordered_map<Key, Entry*>;
  struct Snapshot {
    Table table;
    std::atomic<bool> amended{false};  // dirty holds keys this snapshot lacks
  };

  class Pinned {
   public:
    Pinned(EpochDomain& epochs, int thread) : epochs_(epochs), thread_(thread) { epochs_.enter(thread_); }
    ~Pinned() { epochs_.leave(thread_); }
    Pinned(const Pinned&) = delete;
    Pinned& operator=(const Pinned&) = delete;

   private:
    EpochDomain& epochs_;
    int thread_;
  };

  static Value* expunged() { return &expunged_sentinel; }

  static Entry* lookup(const Table& table, const Key& key) {
    const auto it = table.find(key);
    return it == table.end() ? nullptr : it->second;
  }

  void retire_value(int thread, Value* old) {
    if (old != nullptr && old != expunged()) {
      epochs_.retire(thread, old, [](void* p) { delete static_cast<Value*>(p); });
    }
  }

  void record_miss_locked(int thread) {
    if (++misses_ < dirty_->table.size()) return;
    // Promote: dirty becomes the snapshot readers see.
    Snapshot* old = read_.load(std::memory_order_relaxed);
    read_.store(dirty_, std::memory_order_release);
    dirty_ = nullptr;
    misses_ = 0;
    for (Entry* entry : expunged_entries_) {
      // Still expunged = absent from the new snapshot; unexpunged ones moved to it.
      if (entry->value.load(std::memory_order_relaxed) == expunged()) {
        epochs_.retire(thread, entry, [](void* p) { delete static_cast<Entry*>(p); });
      }
    }
    expunged_entries_.clear();
    epochs_.retire(thread, old, [](void* p) { delete static_cast<Snapshot*>(p); });
    promotions_.fetch_add(1, std::memory_order_relaxed);
  }

  // Copies read's live entries into a new dirty map, expunging deleted ones.
  void rebuild_dirty_locked() {
    if (dirty_ != nullptr) return;
    const Snapshot* read = read_.load(std::memory_order_relaxed);
    dirty_ = new Snapshot;
    dirty_->table.reserve(read->table.size());
    for (const auto& [key, entry] : read->table) {
      if (try_expunge_locked(entry)) {
        expunged_entries_.push_back(entry);
      } else {
        dirty_->table.emplace(key, entry);
      }
    }
  }

  bool try_expunge_locked(Entry* entry) {
    Value* value = entry->value.load(std::memory_order_relaxed);
    while (value == nullptr) {
      if (entry->value.compare_exchange_weak(value, expunged(), std::memory_order_relaxed)) {
        expunged_total_.fetch_add(1, std::memory_order_relaxed);
        return true;
      }
    }
    return value == expunged();
  }

  EpochDomain epochs_;
  std::atomic<Snapshot*> read_;
  mutable std::mutex mutex_;
  Snapshot* dirty_ = nullptr;               // guarded by mutex_
  std::size_t misses_ = 0;                  // guarded by mutex_
  std::vector<Entry*> expunged_entries_;    // guarded by mutex_; this generation's
  std::atomic<std::uint64_t> promotions_{0};
  std::atomic<std::uint64_t> expunged_total_{0};
};

}  // namespace velo::map

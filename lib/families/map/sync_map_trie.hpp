// sync_map_trie: Go 1.24+ sync.Map, a concurrent hash-trie (Go's
// internal/sync.HashTrieMap, golang/go#70683, src/internal/sync/hashtriemap.go),
// written from that design in C++.
//
// The trie branches on the key's 64-bit hash, 4 bits per level from the top:
//   Indirect  an inner node: 16 atomic child pointers, a mutex, its parent, and a
//             `dead` flag set when it is unlinked;
//   Entry     a leaf: an immutable (key, value) pair, and an atomic `overflow`
//             pointer chaining entries whose full 64-bit hashes are equal.
// A child slot holds nothing, an Entry (chain) or an Indirect.
//
// Reads take no lock: walk from the root, one atomic load per level, until an
// empty slot (absent) or an entry chain (search it). Writes lock one node: walk to
// the slot where the key lives or would live, lock the slot's Indirect, and check
// that the slot still holds nothing or an entry and the node is not dead (else
// start over). Then, under that one lock:
//   - empty slot: store a new entry;
//   - the key is in the chain: replace its entry by a new one (entries are never
//     modified in place, so a reader sees the old or the new pair, whole);
//   - the chain's hash equals the key's: push a new entry on the chain;
//   - otherwise: expand, i.e. replace the slot with new Indirects, one per 4 bits
//     the two hashes share, ending in one holding both the old chain and the new
//     entry (the new nodes are published by the single store into the slot).
// Erase unlinks the entry from its chain (or empties the slot), then prunes: while
// the node is empty and not the root, lock its parent, mark it dead, empty the
// parent's slot, and move up (locks go child to parent only, so writers, which
// hold one lock, cannot deadlock with it). A writer that locked a node pruned
// meanwhile sees `dead` and retries from the root. Go's sync.Map keeps its
// Go 1.9-1.23 semantics on top of this: there is no read/dirty split, no misses
// counter and no expunged state any more; deletion is immediate.
//
// Memory reclamation: readers hold raw pointers to entries and indirect nodes
// without any lock, so unlinked ones are retired to an EpochDomain (epoch.hpp)
// and freed once no pinned reader can hold them: a replaced or erased entry, and
// a pruned Indirect. (Go has a garbage collector for this.)
//
// Writes allocate a new Entry (Go allocates one per Store too), and expansion one
// Indirect per level: that allocation is part of what this variant costs.
#pragma once

#include <array>
#include <atomic>
#include <cassert>
#include <cstdint>
#include <functional>
#include <mutex>

#include "core/params.hpp"
#include "families/map/epoch.hpp"
#include "families/map/plan.hpp"

namespace velo::map {

// The hash the trie branches on: std::hash mixed with a seed, so every bit of the
// result depends on every bit of the key (libstdc++'s std::hash<uint64_t> is the
// identity, whose top bits would all be zero for small keys).
template <typename Key>
struct SeededHash {
  std::uint64_t operator()(const Key& key) const { return mix64(std::hash<Key>{}(key) ^ 0x5eed'7a1eULL); }
};

template <typename Key, typename Hash = SeededHash<Key>>
class SyncMapTrie {
 public:
  SyncMapTrie(int threads, std::size_t, const Params&) : epochs_(threads), root_(new Indirect(nullptr)) {}

  ~SyncMapTrie() { destroy(root_); }  // no operation runs; ~EpochDomain frees what was retired
  SyncMapTrie(const SyncMapTrie&) = delete;
  SyncMapTrie& operator=(const SyncMapTrie&) = delete;

  bool find(int thread, const Key& key, Value& out) {
    Pinned pinned(epochs_, thread);
    const std::uint64_t hash = hash_(key);
    const Indirect* node = root_;
    for (unsigned shift = kHashBits; shift != 0;) {
      shift -= kLevelBits;
      const Node* child = node->children[index(hash, shift)].load(std::memory_order_acquire);
      if (child == nullptr) return false;
      if (child->is_entry) {
        const Entry* entry = find_in_chain(static_cast<const Entry*>(child), key);
        if (entry == nullptr) return false;
        out = entry->value;
        return true;
      }
      node = static_cast<const Indirect*>(child);
    }
    assert(false && "ran out of hash bits");
    return false;
  }

  bool insert_or_assign(int thread, const Key& key, const Value& value) {
    Pinned pinned(epochs_, thread);
    const std::uint64_t hash = hash_(key);
    Place place = lock_place(hash);
    std::unique_lock lock(place.node->mutex, std::adopt_lock);
    auto* fresh = new Entry(key, value);
    if (place.child == nullptr) {
      place.slot->store(fresh, std::memory_order_release);
      return true;
    }
    Entry* head = static_cast<Entry*>(place.child);
    // The key is in the chain: a new entry takes the old one's place.
    std::atomic<Node*>* link = place.slot;
    for (Entry* entry = head; entry != nullptr;) {
      if (entry->key == key) {
        fresh->overflow.store(entry->overflow.load(std::memory_order_relaxed), std::memory_order_relaxed);
        link->store(fresh, std::memory_order_release);
        retire(thread, entry);
        return false;
      }
      link = &entry->overflow;
      entry = static_cast<Entry*>(entry->overflow.load(std::memory_order_relaxed));
    }
    const std::uint64_t head_hash = hash_(head->key);
    if (head_hash == hash) {  // a full hash collision: chain
      fresh->overflow.store(head, std::memory_order_relaxed);
      place.slot->store(fresh, std::memory_order_release);
      return true;
    }
    place.slot->store(expand(head, head_hash, fresh, hash, place.shift, place.node), std::memory_order_release);
    return true;
  }

  bool erase(int thread, const Key& key) {
    Pinned pinned(epochs_, thread);
    const std::uint64_t hash = hash_(key);
    // As Go's find(): no lock for a key that is plainly absent.
    {
      const Indirect* node = root_;
      for (unsigned shift = kHashBits; shift != 0;) {
        shift -= kLevelBits;
        const Node* child = node->children[index(hash, shift)].load(std::memory_order_acquire);
        if (child == nullptr) return false;
        if (child->is_entry) {
          if (find_in_chain(static_cast<const Entry*>(child), key) == nullptr) return false;
          break;
        }
        node = static_cast<const Indirect*>(child);
      }
    }
    Place place = lock_place(hash);
    Indirect* node = place.node;
    // Unlink the key's entry from its chain, if it is still there.
    Entry* removed = nullptr;
    std::atomic<Node*>* link = place.slot;
    for (auto* entry = static_cast<Entry*>(place.child); entry != nullptr;) {
      if (entry->key == key) {
        link->store(entry->overflow.load(std::memory_order_relaxed), std::memory_order_release);
        removed = entry;
        break;
      }
      link = &entry->overflow;
      entry = static_cast<Entry*>(entry->overflow.load(std::memory_order_relaxed));
    }
    if (removed == nullptr) {
      node->mutex.unlock();
      return false;
    }
    retire(thread, removed);
    // Prune empty nodes upwards, child lock before parent lock.
    unsigned shift = place.shift;
    while (node->parent != nullptr && node->empty()) {
      shift += kLevelBits;
      Indirect* parent = node->parent;
      parent->mutex.lock();
      node->dead.store(true, std::memory_order_relaxed);  // read by writers under node->mutex
      parent->children[index(hash, shift)].store(nullptr, std::memory_order_release);
      node->mutex.unlock();
      retire(thread, node);
      node = parent;
    }
    node->mutex.unlock();
    return true;
  }

  // Live keys. Only while no operation runs.
  std::size_t size() const { return count(root_); }

  // Observability for tests: indirect nodes in the trie (the root included).
  std::size_t indirect_nodes() const { return count_indirect(root_); }
  EpochDomain& epochs() { return epochs_; }

 private:
  static constexpr unsigned kHashBits = 64;
  static constexpr unsigned kLevelBits = 4;
  static constexpr unsigned kFanOut = 1u << kLevelBits;

  struct Node {
    explicit Node(bool entry) : is_entry(entry) {}
    const bool is_entry;
  };
  struct Entry : Node {
    Entry(const Key& k, const Value& v) : Node(true), key(k), value(v) {}
    std::atomic<Node*> overflow{nullptr};  // next entry with the same full hash
    const Key key;
    const Value value;
  };
  struct Indirect : Node {
    explicit Indirect(Indirect* up) : Node(false), parent(up) {}
    bool empty() const {
      for (const auto& child : children) {
        if (child.load(std::memory_order_relaxed) != nullptr) return false;
      }
      return true;
    }
    std::mutex mutex;                 // guards every store into children
    std::atomic<bool> dead{false};    // unlinked from its parent
    Indirect* const parent;
    std::array<std::atomic<Node*>, kFanOut> children{};
  };

  // Where a key lives: `node`, locked, whose `slot` (at `shift`) holds `child`,
  // nothing or an entry chain.
  struct Place {
    Indirect* node;
    std::atomic<Node*>* slot;
    Node* child;
    unsigned shift;
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

  static unsigned index(std::uint64_t hash, unsigned shift) { return (hash >> shift) & (kFanOut - 1); }

  static const Entry* find_in_chain(const Entry* entry, const Key& key) {
    while (entry != nullptr && !(entry->key == key)) {
      entry = static_cast<const Entry*>(entry->overflow.load(std::memory_order_acquire));
    }
    return entry;
  }

  // Walks to the slot for `hash`, locks its node and re-checks it; retries from
  // the root if the slot changed to an Indirect or the node was pruned meanwhile.
  Place lock_place(std::uint64_t hash) {
    for (;;) {
      Indirect* node = root_;
      std::atomic<Node*>* slot = nullptr;
      Node* child = nullptr;
      unsigned shift = kHashBits;
      for (;;) {
        assert(shift != 0 && "ran out of hash bits");
        shift -= kLevelBits;
        slot = &node->children[index(hash, shift)];
        child = slot->load(std::memory_order_acquire);
        if (child == nullptr || child->is_entry) break;
        node = static_cast<Indirect*>(child);
      }
      node->mutex.lock();
      child = slot->load(std::memory_order_relaxed);
      if ((child == nullptr || child->is_entry) && !node->dead.load(std::memory_order_relaxed)) {
        return {node, slot, child, shift};
      }
      node->mutex.unlock();
    }
  }

  // New Indirects below `parent` down to the level where the two hashes differ,
  // holding the old chain and the new entry there. Returns the top one.
  static Indirect* expand(Entry* old_chain, std::uint64_t old_hash, Entry* fresh, std::uint64_t hash,
                          unsigned shift, Indirect* parent) {
    auto* top = new Indirect(parent);
    Indirect* node = top;
    for (;;) {
      assert(shift != 0 && "distinct hashes must differ in some bits");
      shift -= kLevelBits;
      const unsigned old_index = index(old_hash, shift);
      const unsigned new_index = index(hash, shift);
      if (old_index != new_index) {
        node->children[old_index].store(old_chain, std::memory_order_relaxed);
        node->children[new_index].store(fresh, std::memory_order_relaxed);
        return top;  // published by the caller's release store
      }
      auto* next = new Indirect(node);
      node->children[old_index].store(next, std::memory_order_relaxed);
      node = next;
    }
  }

  void retire(int thread, Entry* entry) {
    epochs_.retire(thread, entry, [](void* p) { delete static_cast<Entry*>(p); });
  }
  void retire(int thread, Indirect* node) {
    epochs_.retire(thread, node, [](void* p) { delete static_cast<Indirect*>(p); });
  }

  static std::size_t count(const Node* node) {
    if (node == nullptr) return 0;
    if (node->is_entry) {
      std::size_t n = 0;
      for (auto* e = static_cast<const Entry*>(node); e != nullptr;
           e = static_cast<const Entry*>(e->overflow.load(std::memory_order_relaxed))) {
        ++n;
      }
      return n;
    }
    std::size_t n = 0;
    for (const auto& child : static_cast<const Indirect*>(node)->children) {
      n += count(child.load(std::memory_order_relaxed));
    }
    return n;
  }

  static std::size_t count_indirect(const Node* node) {
    if (node == nullptr || node->is_entry) return 0;
    std::size_t n = 1;
    for (const auto& child : static_cast<const Indirect*>(node)->children) {
      n += count_indirect(child.load(std::memory_order_relaxed));
    }
    return n;
  }

  static void destroy(Node* node) {
    if (node == nullptr) return;
    if (node->is_entry) {
      for (auto* e = static_cast<Entry*>(node); e != nullptr;) {
        auto* next = static_cast<Entry*>(e->overflow.load(std::memory_order_relaxed));
        delete e;
        e = next;
      }
      return;
    }
    auto* indirect = static_cast<Indirect*>(node);
    for (auto& child : indirect->children) destroy(child.load(std::memory_order_relaxed));
    delete indirect;
  }

  [[no_unique_address]] Hash hash_;
  EpochDomain epochs_;
  Indirect* const root_;
};

}  // namespace velo::map

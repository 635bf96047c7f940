// Epoch-based memory reclamation (Fraser, "Practical lock-freedom", 2004; the
// ordering follows the crossbeam-epoch design): how the sync_map variants free
// what lock-free readers may still be reading (snapshots, entries, values, trie
// nodes).
//
// Every operation runs pinned: enter() announces the global epoch the thread saw,
// leave() announces it is quiescent. An object is retired (not freed) once it has
// been unlinked, tagged with the global epoch read after the unlink. The global
// epoch advances from e to e+1 only when every pinned participant announced e.
// An object retired at epoch r is freed once the global epoch is r+2:
//   a reader that can still reach it pinned before the unlink, so it announced
//   some epoch <= r; while it stays pinned the epoch cannot pass r+1.
// All epoch announcements and checks are seq_cst read-modify-writes and loads, not
// fences (ThreadSanitizer does not model std::atomic_thread_fence), so the
// argument above holds in the C++ memory model and TSAN sees every
// happens-before edge: a reader's last access -> its release on leave() -> the
// advancing thread's load -> the CAS of the epoch -> the freeing thread's load.
//
// Participants are numbered 0..count-1 (a ThreadTeam member index); a number must
// be used by one thread at a time. Each keeps its own list of retired objects,
// so retire() takes no lock. Cost per operation: one locked exchange on the
// thread's own cache line (enter) and one plain store (leave).
#pragma once

#include <atomic>
#include <cstdint>
#include <limits>
#include <memory>
#include <vector>

namespace velo::map {

class EpochDomain {
 public:
  explicit EpochDomain(int participants);
  ~EpochDomain();  // frees everything still retired: no participant may be pinned
  EpochDomain(const EpochDomain&) = delete;
  EpochDomain& operator=(const EpochDomain&) = delete;

  void enter(int participant) {
    const std::uint64_t epoch = global_.load(std::memory_order_seq_cst);
    participants_[participant].epoch.exchange(epoch, std::memory_order_seq_cst);
  }
  void leave(int participant) {
    participants_[participant].epoch.store(kQuiescent, std::memory_order_release);
  }

  // Hands `object` to the domain; `destroy(object)` runs once no reader can hold it.
  // Call after unlinking it, pinned or not.
  void retire(int participant, void* object, void (*destroy)(void*));

  // Tries to advance the epoch and frees what this participant may free.
  void collect(int participant);

  std::uint64_t epoch() const { return global_.load(std::memory_order_seq_cst); }
  std::size_t pending(int participant) const;  // retired and not yet freed

 private:
  static constexpr std::uint64_t kQuiescent = std::numeric_limits<std::uint64_t>::max();
  static constexpr std::uint32_t kCollectEvery = 64;  // retires between collections

  struct Retired {
    void* object;
    void (*destroy)(void*);
    std::uint64_t epoch;
  };
  struct alignas(64) Participant {
    std::atomic<std::uint64_t> epoch{kQuiescent};
    std::vector<Retired> limbo;  // in retirement order, so epochs never decrease
    std::size_t freed = 0;       // limbo[0, freed) already destroyed
    std::uint32_t since_collect = 0;
  };

  bool try_advance();

  int count_;
  std::unique_ptr<Participant[]> participants_;
  alignas(64) std::atomic<std::uint64_t> global_{0};
};

}  // namespace velo::map

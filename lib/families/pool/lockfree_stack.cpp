// A Treiber stack (R. K. Treiber, "Systems Programming: Coping with Parallelism",
// IBM RJ 5118, 1986) of free objects, with the ABA problem solved by a version tag
// packed beside the pointer (the IBM System/370 CAS-with-counter scheme): the top
// word is [16-bit tag | 48-bit pointer] and every successful push or pop bumps the
// tag, so a pop that read `next` before another thread popped and re-pushed the
// same node fails its CAS. 16 bits means a thread stalled between its read and its
// CAS for exactly a multiple of 65536 stack operations could still be fooled; that
// is the usual trade for single-word CAS on x86-64.
//
// Invariants:
// - The link lives in a 16-byte header in front of the object, never in the
//   object itself: a pop may read the link of a node another thread has just
//   taken and is writing into, so the link must not share bytes with the payload
//   (and is atomic, so that stale read is not a data race).
// - Nodes are freed only when the pool is destroyed, so a stale read never
//   touches freed memory.
#include <atomic>
#include <cstdlib>

#include "families/pool/pool.hpp"
#include "families/pool/pool_workload.hpp"

namespace velo::pool {
namespace {

class TreiberStack {
 public:
  explicit TreiberStack(const PoolSetup& setup)
      : object_bytes_(setup.object_bytes), fresh_(setup.threads) {}
  ~TreiberStack() {
    while (Node* node = pop()) delete_object(reinterpret_cast<std::byte*>(node), header_bytes + object_bytes_);
  }
  TreiberStack(const TreiberStack&) = delete;
  TreiberStack& operator=(const TreiberStack&) = delete;

  std::byte* take(int member) {
    if (Node* node = pop()) return payload(node);
    fresh_.add(member);
    std::byte* memory = new_object(header_bytes + object_bytes_);
    if (reinterpret_cast<std::uintptr_t>(memory) > pointer_mask) std::abort();  // beyond 48-bit addresses
    return payload(new (memory) Node);
  }

  void give(int, std::byte* object) { push(reinterpret_cast<Node*>(object - header_bytes)); }

  void between_runs() {}
  std::optional<std::int64_t> fresh_allocations() const { return fresh_.total(); }

 private:
  struct Node {
    std::atomic<std::uintptr_t> next{0};
  };
  static constexpr std::size_t header_bytes = object_alignment;  // keeps the payload aligned
  static_assert(sizeof(Node) <= header_bytes);
  static constexpr int tag_shift = 48;
  static constexpr std::uint64_t pointer_mask = (std::uint64_t{1} << tag_shift) - 1;

  static std::byte* payload(Node* node) { return reinterpret_cast<std::byte*>(node) + header_bytes; }
  static Node* pointer_of(std::uint64_t word) { return reinterpret_cast<Node*>(word & pointer_mask); }
  static std::uint64_t next_version(std::uint64_t word, std::uintptr_t pointer) {
    return (((word >> tag_shift) + 1) << tag_shift) | pointer;
  }

  Node* pop() {
    std::uint64_t top = top_.load(std::memory_order_acquire);
    for (;;) {
      Node* node = pointer_of(top);
      if (node == nullptr) return nullptr;
      const std::uintptr_t next = node->next.load(std::memory_order_relaxed);
      if (top_.compare_exchange_weak(top, next_version(top, next), std::memory_order_acquire,
                                     std::memory_order_acquire)) {
        return node;
      }
    }
  }

  void push(Node* node) {
    std::uint64_t top = top_.load(std::memory_order_relaxed);
    do {
      node->next.store(top & pointer_mask, std::memory_order_relaxed);
    } while (!top_.compare_exchange_weak(top, next_version(top, reinterpret_cast<std::uintptr_t>(node)),
                                         std::memory_order_release, std::memory_order_relaxed));
  }

  std::size_t object_bytes_;
  alignas(128) std::atomic<std::uint64_t> top_{0};
  FreshCount fresh_;
};

}  // namespace

Implementation lockfree_stack() {
  return {.name = "lockfree_stack",
          .doc = "a Treiber stack of free objects, ABA-safe by a version-tagged top pointer",
          .make = factory_for<TreiberStack>()};
}

}  // namespace velo::pool

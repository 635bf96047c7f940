// What every pool hands out and where fresh objects come from.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <new>
#include <vector>

#include "core/params.hpp"

namespace velo::pool {

// Every variant returns memory aligned at least like operator new's (16 on x86-64),
// the promise a plain `new char[n]` buffer makes.
inline constexpr std::size_t object_alignment = __STDCPP_DEFAULT_NEW_ALIGNMENT__;

// The objects a run can hold at once, per thread, while being handed to another
// thread (the hand-off mailbox capacity): pools size their bounded parts with it.
inline constexpr std::size_t mailbox_capacity = 256;

struct PoolSetup {
  int threads = 1;
  std::size_t object_bytes = 0;
  std::int64_t live = 1;
  const Params& params;
};

// A pool's miss path: a fresh object from the global operator new (counted by the
// allocation accounting, served by whichever allocator the process runs on).
inline std::byte* new_object(std::size_t bytes) { return static_cast<std::byte*>(::operator new(bytes)); }
inline void delete_object(std::byte* object, std::size_t bytes) { ::operator delete(object, bytes); }

// Intrusive free-list link stored in the first bytes of a free object: only
// objects the pool owns are linked, so no holder ever sees it.
inline std::byte* next_free(const std::byte* object) {
  std::byte* next;
  std::memcpy(&next, object, sizeof next);
  return next;
}
inline void set_next_free(std::byte* object, std::byte* next) { std::memcpy(object, &next, sizeof next); }

// One per team member, each alone in a 128-byte block (the adjacent-line
// prefetcher pairs 64-byte lines) so members never share a line.
template <typename T>
struct alignas(128) PerMember {
  T value{};
};

// Takes a pool could not serve from reuse, counted by each member on its own line
// (no shared counter in the hot path) and summed when the run is verified.
class FreshCount {
 public:
  explicit FreshCount(int threads) : counts_(static_cast<std::size_t>(threads)) {}
  void add(int member) { ++counts_[static_cast<std::size_t>(member)].value; }
  std::int64_t total() const {
    std::int64_t sum = 0;
    for (const auto& count : counts_) sum += count.value;
    return sum;
  }

 private:
  std::vector<PerMember<std::int64_t>> counts_;
};

}  // namespace velo::pool

// false_sharing/mutex_with_data: all threads increment one counter under one
// std::mutex; one op = one locked increment. Two layouts of the lock and the data
// it guards:
//   mutex_same_line       lock and counter share a cache line: the holder finds the
//                         counter already in its cache, but every waiter probing
//                         the lock pulls the line (and the counter) away from it;
//   mutex_separate_lines  lock and counter on lines of their own: waiters bounce
//                         only the lock's line, at the price of a second line
//                         moving with each hand-over.
// Which wins depends on the machine's coherence protocol and contention.
#include <mutex>

#include "families/cacheline/cacheline.hpp"
#include "families/cacheline/false_sharing.hpp"

namespace velo::cacheline {
namespace {

struct alignas(64) SameLine {
  std::mutex lock;
  std::uint64_t value = 0;
};
static_assert(sizeof(SameLine) == kLineBytes && alignof(SameLine) == kLineBytes);
static_assert(offsetof(SameLine, value) + sizeof(std::uint64_t) <= kLineBytes,
              "lock and data must share the first line");

struct SeparateLines {
  alignas(64) std::mutex lock;
  alignas(64) std::uint64_t value = 0;
};
static_assert(sizeof(SeparateLines) == 2 * kLineBytes && alignof(SeparateLines) == kLineBytes);
static_assert(offsetof(SeparateLines, value) == kLineBytes);

template <typename Guarded>
class LockedCounter {
 public:
  LockedCounter(int, const Params&) {}

  void count(int, std::int64_t n) {
    for (std::int64_t i = 0; i < n; ++i) {
      std::lock_guard hold(guarded_->lock);
      ++guarded_->value;
    }
  }

  // One counter for all threads: it must hold the sum of everyone's increments.
  Status verify(std::span<const std::uint64_t> made) const {
    std::uint64_t total = 0;
    for (std::uint64_t m : made) total += m;
    std::lock_guard hold(guarded_->lock);
    if (guarded_->value != total) {
      return make_error(fmt::format("the guarded counter holds {} but {} increments were made",
                                    guarded_->value, total));
    }
    return {};
  }

  std::vector<StructLayout> layouts() const;

  std::string describe() const {
    const bool same_line = offsetof(Guarded, value) / kLineBytes == offsetof(Guarded, lock) / kLineBytes;
    return fmt::format("all threads increment one counter under one std::mutex, lock and counter on {}",
                       same_line ? "the same cache line" : "separate cache lines");
  }

 private:
  std::unique_ptr<Guarded> guarded_ = std::make_unique<Guarded>();  // aligned by new
};

template <>
std::vector<StructLayout> LockedCounter<SameLine>::layouts() const {
  return {layout_of<SameLine>("SameLine", {VELO_LAYOUT_FIELD(SameLine, lock, "std::mutex"),
                                           VELO_LAYOUT_FIELD(SameLine, value, "uint64_t")})};
}

template <>
std::vector<StructLayout> LockedCounter<SeparateLines>::layouts() const {
  return {layout_of<SeparateLines>("SeparateLines",
                                   {VELO_LAYOUT_FIELD(SeparateLines, lock, "std::mutex"),
                                    VELO_LAYOUT_FIELD(SeparateLines, value, "uint64_t")})};
}

}  // namespace

Implementation mutex_same_line() {
  return {.name = "mutex_same_line",
          .doc = "false_sharing: one counter under a std::mutex on the same cache line",
          .params = {threads_param()},
          .make = false_sharing_factory<LockedCounter<SameLine>>()};
}

Implementation mutex_separate_lines() {
  return {.name = "mutex_separate_lines",
          .doc = "false_sharing: one counter under a std::mutex, lock and counter on separate lines",
          .params = {threads_param()},
          .make = false_sharing_factory<LockedCounter<SeparateLines>>()};
}

}  // namespace velo::cacheline

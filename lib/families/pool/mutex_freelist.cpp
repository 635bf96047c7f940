// One free list for the whole process under one std::mutex: the simplest
// thread-safe pool. Every take and give takes the lock, so under contention the
// lock's cache line and futex sleeps are the cost being measured.
#include <mutex>

#include "families/pool/pool.hpp"
#include "families/pool/pool_workload.hpp"

namespace velo::pool {
namespace {

class MutexFreeList {
 public:
  explicit MutexFreeList(const PoolSetup& setup)
      : object_bytes_(setup.object_bytes), fresh_(setup.threads) {}
  ~MutexFreeList() {
    while (std::byte* object = head_) {
      head_ = next_free(object);
      delete_object(object, object_bytes_);
    }
  }
  MutexFreeList(const MutexFreeList&) = delete;
  MutexFreeList& operator=(const MutexFreeList&) = delete;

  std::byte* take(int member) {
    {
      std::lock_guard lock(mutex_);
      if (std::byte* object = head_) {
        head_ = next_free(object);
        return object;
      }
    }
    fresh_.add(member);
    return new_object(object_bytes_);  // outside the lock: the allocator is not the pool
  }

  void give(int, std::byte* object) {
    std::lock_guard lock(mutex_);
    set_next_free(object, head_);
    head_ = object;
  }

  void between_runs() {}
  std::optional<std::int64_t> fresh_allocations() const { return fresh_.total(); }

 private:
  std::size_t object_bytes_;
  alignas(128) std::mutex mutex_;
  std::byte* head_ = nullptr;  // guarded by mutex_
  FreshCount fresh_;
};

}  // namespace

Implementation mutex_freelist() {
  return {.name = "mutex_freelist",
          .doc = "one global free list under a std::mutex",
          .make = factory_for<MutexFreeList>()};
}

}  // namespace velo::pool

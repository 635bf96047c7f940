// A free list per thread (the thread-cache idea of tcmalloc/glibc's tcache, at
// object level): give pushes onto the releasing thread's list, take pops from the
// taking thread's list, no synchronisation at all. Objects released by another
// thread migrate to that thread's list; with one-way traffic one list grows and
// the other keeps missing, which is why `cap` exists: a list already holding
// `cap` objects frees the release instead (0 = unbounded).
#include "families/pool/pool.hpp"
#include "families/pool/pool_workload.hpp"

namespace velo::pool {
namespace {

class ThreadLocalFreeList {
 public:
  explicit ThreadLocalFreeList(const PoolSetup& setup)
      : object_bytes_(setup.object_bytes),
        cap_(setup.params.integer("cap")),
        lists_(static_cast<std::size_t>(setup.threads)) {}
  ~ThreadLocalFreeList() {
    for (auto& list : lists_) {
      while (std::byte* object = list.value.head) {
        list.value.head = next_free(object);
        delete_object(object, object_bytes_);
      }
    }
  }
  ThreadLocalFreeList(const ThreadLocalFreeList&) = delete;
  ThreadLocalFreeList& operator=(const ThreadLocalFreeList&) = delete;

  std::byte* take(int member) {
    List& list = lists_[static_cast<std::size_t>(member)].value;
    if (std::byte* object = list.head) {
      list.head = next_free(object);
      --list.size;
      return object;
    }
    ++list.fresh;
    return new_object(object_bytes_);
  }

  void give(int member, std::byte* object) {
    List& list = lists_[static_cast<std::size_t>(member)].value;
    if (cap_ != 0 && list.size >= cap_) {
      delete_object(object, object_bytes_);
      return;
    }
    set_next_free(object, list.head);
    list.head = object;
    ++list.size;
  }

  void between_runs() {}
  std::optional<std::int64_t> fresh_allocations() const {
    std::int64_t sum = 0;
    for (const auto& list : lists_) sum += list.value.fresh;
    return sum;
  }

 private:
  struct List {
    std::byte* head = nullptr;
    std::int64_t size = 0;
    std::int64_t fresh = 0;
  };
  std::size_t object_bytes_;
  std::int64_t cap_;
  std::vector<PerMember<List>> lists_;
};

}  // namespace

Implementation tls_freelist() {
  return {.name = "tls_freelist",
          .doc = "a free list per thread, unsynchronised; optional cap per list",
          .params = {{.name = "cap",
                      .type = ParamType::integer,
                      .default_value = std::int64_t{0},
                      .doc = "most objects one thread's list keeps; more are freed (0 = unbounded)",
                      .min = 0,
                      .max = 1'000'000}},
          .make = factory_for<ThreadLocalFreeList>()};
}

}  // namespace velo::pool

// A pool with one free list per thread and no locks: a thread takes from and
// gives to its own list (an object given back by another thread than took it
// simply moves to that thread's list). The design of Go's sync.Pool per-P
// caches without the victim cache and stealing; fresh allocations are counted so
// velo reports reused_pct.
#pragma once

#include <velo/plugin.hpp>

#include <cstdlib>
#include <vector>

namespace examples {

class PerThreadPool {
 public:
  PerThreadPool(const velo_pool_config& config, const velo::plugin::Params& params)
      : bytes_((config.object_bytes + config.alignment - 1) / config.alignment * config.alignment),
        alignment_(config.alignment),
        lists_(static_cast<std::size_t>(config.threads)) {
    const std::int64_t prefill = params.integer("prefill");
    for (auto& list : lists_) {
      for (std::int64_t i = 0; i < prefill; ++i) list.free.push_back(allocate(list));
      list.fresh = 0;  // prefilled objects are not takes
    }
  }
  ~PerThreadPool() {
    for (auto& list : lists_) {
      for (void* object : list.free) std::free(object);
    }
  }
  PerThreadPool(const PerThreadPool&) = delete;
  PerThreadPool& operator=(const PerThreadPool&) = delete;

  void* get(int thread) {
    List& list = lists_[static_cast<std::size_t>(thread)];
    if (list.free.empty()) return allocate(list);
    void* object = list.free.back();
    list.free.pop_back();
    return object;
  }
  void put(int thread, void* object) { lists_[static_cast<std::size_t>(thread)].free.push_back(object); }
  std::int64_t fresh_allocations() const {
    std::int64_t total = 0;
    for (const auto& list : lists_) total += list.fresh;
    return total;
  }

 private:
  struct alignas(64) List {
    std::vector<void*> free;
    std::int64_t fresh = 0;
  };
  void* allocate(List& list) {
    ++list.fresh;
    return std::aligned_alloc(alignment_, bytes_);
  }

  std::size_t bytes_, alignment_;
  std::vector<List> lists_;
};

}  // namespace examples

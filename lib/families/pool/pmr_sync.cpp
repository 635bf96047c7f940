// One std::pmr::synchronized_pool_resource shared by all threads (C++17
// [mem.res.pool]). libstdc++ gives each thread its own pools under a shared
// mutex (taken shared on the common path, exclusively to add a thread or free
// into another thread's pool), so this measures the standard library's answer
// to the same question sync_pool answers.
#include "families/pool/pmr_pools.hpp"
#include "families/pool/pool.hpp"
#include "families/pool/pool_workload.hpp"

namespace velo::pool {
namespace {

class PmrSync {
 public:
  explicit PmrSync(const PoolSetup& setup) : object_bytes_(setup.object_bytes), resource_(pool_options_for(setup)) {}

  std::byte* take(int) { return static_cast<std::byte*>(resource_.allocate(object_bytes_, object_alignment)); }
  void give(int, std::byte* object) { resource_.deallocate(object, object_bytes_, object_alignment); }
  void between_runs() {}
  std::optional<std::int64_t> fresh_allocations() const { return std::nullopt; }  // inside the resource

 private:
  std::size_t object_bytes_;
  std::pmr::synchronized_pool_resource resource_;
};

}  // namespace

Implementation pmr_sync() {
  return {.name = "pmr_sync",
          .doc = "one std::pmr::synchronized_pool_resource shared by all threads",
          .make = factory_for<PmrSync>()};
}

}  // namespace velo::pool

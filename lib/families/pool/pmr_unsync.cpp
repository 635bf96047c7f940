// One std::pmr::unsynchronized_pool_resource per thread (C++17 [mem.res.pool]):
// size-class pools carved from chunks of the upstream resource (operator new),
// no locking. An unsynchronized resource must be used by one thread only, so
// objects cannot be released by another thread: cross_thread > 0 is skipped.
#include <memory>

#include "families/pool/pmr_pools.hpp"
#include "families/pool/pool.hpp"
#include "families/pool/pool_workload.hpp"

namespace velo::pool {
namespace {

class PmrUnsync {
 public:
  explicit PmrUnsync(const PoolSetup& setup) : object_bytes_(setup.object_bytes) {
    for (int i = 0; i < setup.threads; ++i) locals_.push_back(std::make_unique<Local>(pool_options_for(setup)));
  }

  std::byte* take(int member) {
    return static_cast<std::byte*>(resource(member).allocate(object_bytes_, object_alignment));
  }
  void give(int member, std::byte* object) { resource(member).deallocate(object, object_bytes_, object_alignment); }
  void between_runs() {}
  std::optional<std::int64_t> fresh_allocations() const { return std::nullopt; }  // inside the resource

 private:
  struct alignas(128) Local {
    explicit Local(const std::pmr::pool_options& options) : resource(options) {}
    std::pmr::unsynchronized_pool_resource resource;
  };
  std::pmr::unsynchronized_pool_resource& resource(int member) {
    return locals_[static_cast<std::size_t>(member)]->resource;
  }

  std::size_t object_bytes_;
  std::vector<std::unique_ptr<Local>> locals_;
};

std::optional<std::string> single_thread_only(const Params& params) {
  if (params.number("cross_thread") > 0) {
    return "an unsynchronized_pool_resource belongs to one thread: objects cannot be released by another";
  }
  return std::nullopt;
}

}  // namespace

Implementation pmr_unsync() {
  return {.name = "pmr_unsync",
          .doc = "one std::pmr::unsynchronized_pool_resource per thread",
          .case_unsupported = single_thread_only,
          .make = factory_for<PmrUnsync>()};
}

}  // namespace velo::pool

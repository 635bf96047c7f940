// An arena per thread: std::pmr::monotonic_buffer_resource hands out objects by
// bumping a pointer, ignores deallocate, and frees everything at once with
// release() every `batch` ops (the per-request arena pattern). Its first chunk is
// sized for one batch (at most 64 MiB), so a batch costs one upstream allocation.
// Objects must not outlive their batch: cases that hold objects across ops
// (live > 1) or hand them to another thread (cross_thread > 0) are skipped.
#include <algorithm>
#include <memory>
#include <memory_resource>

#include "families/pool/pool.hpp"
#include "families/pool/pool_workload.hpp"

namespace velo::pool {
namespace {

class PmrMonotonic {
 public:
  explicit PmrMonotonic(const PoolSetup& setup)
      : object_bytes_(setup.object_bytes), batch_(setup.params.integer("batch")) {
    const auto batch_bytes = std::min<std::size_t>(object_bytes_ * static_cast<std::size_t>(batch_), 64 << 20);
    for (int i = 0; i < setup.threads; ++i) locals_.push_back(std::make_unique<Local>(batch_bytes));
  }

  std::byte* take(int member) {
    return static_cast<std::byte*>(local(member).resource.allocate(object_bytes_, object_alignment));
  }

  // live == 1 and no hand-offs: when a thread gives back, it holds nothing.
  void give(int member, std::byte* object) {
    Local& mine = local(member);
    mine.resource.deallocate(object, object_bytes_, object_alignment);  // a no-op, as specified
    if (++mine.since_release == batch_) {
      mine.resource.release();
      mine.since_release = 0;
    }
  }

  // Every repetition starts with an empty arena and a whole batch ahead, so that it
  // releases at the same points as every other (outside timing). Carrying the count
  // over made repetitions differ (1,000 ops = 15 or 16 releases of a 64-op batch),
  // which the deterministic modes saw as counts varying between repetitions.
  void between_runs() {
    for (auto& mine : locals_) {
      mine->resource.release();
      mine->since_release = 0;
    }
  }
  std::optional<std::int64_t> fresh_allocations() const { return std::nullopt; }

 private:
  struct alignas(128) Local {
    explicit Local(std::size_t initial_bytes) : resource(initial_bytes) {}
    std::pmr::monotonic_buffer_resource resource;
    std::int64_t since_release = 0;
  };
  Local& local(int member) { return *locals_[static_cast<std::size_t>(member)]; }

  std::size_t object_bytes_;
  std::int64_t batch_;
  std::vector<std::unique_ptr<Local>> locals_;
};

std::optional<std::string> objects_outlive_batch(const Params& params) {
  if (params.integer("live") > 1) return "a monotonic arena frees a whole batch at once: live must be 1";
  if (params.number("cross_thread") > 0) {
    return "a monotonic arena frees a whole batch at once: objects cannot go to another thread";
  }
  return std::nullopt;
}

}  // namespace

Implementation pmr_monotonic() {
  return {.name = "pmr_monotonic",
          .doc = "a std::pmr::monotonic_buffer_resource per thread, released every `batch` ops",
          .params = {{.name = "batch",
                      .type = ParamType::integer,
                      .default_value = std::int64_t{64},
                      .doc = "ops between release() of the arena",
                      .min = 1,
                      .max = 1'000'000}},
          .case_unsupported = objects_outlive_batch,
          .make = factory_for<PmrMonotonic>()};
}

}  // namespace velo::pool

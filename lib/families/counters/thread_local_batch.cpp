// Each thread counts in a local variable and publishes to one shared atomic every
// `batch` increments (and at the end of its share): contention drops by a factor
// of `batch`, at the price of a total that lags by up to threads * batch.
#include <atomic>
#include <cstdint>
#include <vector>

#include "families/counters/counter_workload.hpp"
#include "families/counters/counters.hpp"

namespace velo::counters {
namespace {

struct LocalBatchCounter {
  LocalBatchCounter(int threads, const Params& params)
      : batch(static_cast<std::uint64_t>(params.integer("batch"))),
        pending(static_cast<std::size_t>(threads)) {}

  void add(int member) {
    std::uint64_t& mine = pending[static_cast<std::size_t>(member)].count;
    if (++mine == batch) {
      shared.fetch_add(mine, std::memory_order_relaxed);
      mine = 0;
    }
  }
  void flush(int member) {
    std::uint64_t& mine = pending[static_cast<std::size_t>(member)].count;
    shared.fetch_add(mine, std::memory_order_relaxed);
    mine = 0;
  }
  std::uint64_t total() const { return shared.load(std::memory_order_relaxed); }

  // The local count lives in a cache line of its own, as a thread_local would.
  struct alignas(64) Pending {
    std::uint64_t count = 0;
  };
  std::uint64_t batch;
  std::vector<Pending> pending;
  alignas(64) std::atomic<std::uint64_t> shared{0};
};

}  // namespace

Implementation thread_local_batch() {
  return {.name = "thread_local_batch",
          .doc = "count locally, publish to one atomic every `batch` increments",
          .params = {{.name = "batch",
                      .type = ParamType::integer,
                      .default_value = std::int64_t{64},
                      .doc = "increments accumulated locally before one fetch_add",
                      .min = 1}},
          .make = factory_for<LocalBatchCounter>()};
}

}  // namespace velo::counters

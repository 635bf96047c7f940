// false_sharing/packed: per-thread counters adjacent in one array, so up to eight
// threads' counters share a 64-byte line and every increment by one thread
// invalidates the line in the others' caches (false sharing: no data is shared,
// only the line). Each increment is `op` (increment_op.hpp): with atomic_add, the
// default, every increment waits for the line to come back; with store the store
// buffer hides most of that wait.
#include "families/cacheline/cacheline.hpp"
#include "families/cacheline/false_sharing.hpp"

namespace velo::cacheline {
namespace {

struct PackedCounters {
  PackedCounters(int threads, const Params& params) : slots(threads, increment_op_of(params)) {}
  void count(int member, std::int64_t n) { slots.count(member, n); }
  Status verify(std::span<const std::uint64_t> made) const { return slots.verify(made); }
  std::string describe() const { return slots.describe(); }
  std::vector<StructLayout> layouts() const { return {slots.layout("PackedSlot")}; }
  SlotCounters<PackedSlot> slots;
};

}  // namespace

Implementation false_sharing_packed() {
  return {.name = "false_sharing_packed",
          .doc = "false_sharing: per-thread counters adjacent (8 per cache line)",
          .params = {threads_param(), increment_op_param()},
          .make = false_sharing_factory<PackedCounters>()};
}

}  // namespace velo::cacheline

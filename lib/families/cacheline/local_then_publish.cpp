// false_sharing/local_then_publish: each thread counts in a register and writes
// its packed counter once at the end of its share. The counters still share a
// line, but a line written once per run costs one transfer, not one per increment:
// the usual cure when padding every counter is too much memory.
#include "families/cacheline/cacheline.hpp"
#include "families/cacheline/false_sharing.hpp"

namespace velo::cacheline {
namespace {

struct LocalThenPublish {
  LocalThenPublish(int threads, const Params&) : slots(threads) {}

  void count(int member, std::int64_t n) {
    std::uint64_t local = 0;
    for (std::int64_t i = 0; i < n; ++i) {
      ++local;
      // Keeps one add per increment: otherwise the compiler folds the loop to local = n.
      asm volatile("" : "+r"(local));
    }
    slots.publish(member, local);
  }
  Status verify(std::span<const std::uint64_t> made) const { return slots.verify(made); }
  std::string describe() const { return slots.describe_layout() + ", each written once per run from a register"; }
  std::vector<StructLayout> layouts() const { return {slots.layout("PackedSlot")}; }
  SlotCounters<PackedSlot> slots;
};

}  // namespace

Implementation local_then_publish() {
  return {.name = "local_then_publish",
          .doc = "false_sharing: count in a register, write the packed counter once per run",
          .params = {threads_param()},
          .make = false_sharing_factory<LocalThenPublish>()};
}

}  // namespace velo::cacheline

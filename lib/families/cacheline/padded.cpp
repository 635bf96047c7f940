// false_sharing/padded: each thread's counter alone in `pad_bytes` bytes. 64 gives
// each its own cache line; 128 also keeps neighbours out of the line pair that
// Intel's adjacent-line (spatial) prefetcher fetches together, which is why C++17
// reports std::hardware_destructive_interference_size as 128 on some x86 targets.
#include "families/cacheline/cacheline.hpp"
#include "families/cacheline/false_sharing.hpp"

namespace velo::cacheline {
namespace {

template <std::size_t Pad>
struct alignas(Pad) PaddedSlot {
  std::atomic<std::uint64_t> value{0};
};
static_assert(sizeof(PaddedSlot<64>) == 64 && alignof(PaddedSlot<64>) == 64);
static_assert(sizeof(PaddedSlot<128>) == 128 && alignof(PaddedSlot<128>) == 128);

template <std::size_t Pad>
struct PaddedCounters {
  PaddedCounters(int threads, const Params& params) : slots(threads, increment_op_of(params)) {}
  void count(int member, std::int64_t n) { slots.count(member, n); }
  Status verify(std::span<const std::uint64_t> made) const { return slots.verify(made); }
  std::string describe() const { return slots.describe(); }
  std::vector<StructLayout> layouts() const {
    return {slots.layout(fmt::format("PaddedSlot<{}>", Pad))};
  }
  SlotCounters<PaddedSlot<Pad>> slots;
};

}  // namespace

Implementation false_sharing_padded() {
  return {.name = "false_sharing_padded",
          .doc = "false_sharing: each counter padded to pad_bytes (64 = a line, 128 = a line pair)",
          .params = {threads_param(), increment_op_param(),
                     {.name = "pad_bytes",
                      .type = ParamType::bytes,
                      .default_value = std::int64_t{64},
                      .doc = "bytes per counter slot: 64 or 128",
                      .unit = "B",
                      .min = 64,
                      .max = 128}},
          .make = [](const Params& params) -> std::variant<std::unique_ptr<Workload>, CaseError> {
            if (params.integer("pad_bytes") == 128) return false_sharing_factory<PaddedCounters<128>>()(params);
            return false_sharing_factory<PaddedCounters<64>>()(params);
          }};
}

}  // namespace velo::cacheline

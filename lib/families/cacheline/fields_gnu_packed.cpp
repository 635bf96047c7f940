// field_order/fields_gnu_packed: the declared order with [[gnu::packed]]: no
// padding at all (23 bytes, alignment 1), so more records per line, but `id` and
// `weight` are misaligned and some records straddle two cache lines; the compiler
// must also use unaligned loads (free on x86, not everywhere).
#include "families/cacheline/cacheline.hpp"
#include "families/cacheline/field_order.hpp"

namespace velo::cacheline {
namespace {

struct [[gnu::packed]] GnuPacked {
  bool active;
  std::int64_t id;
  bool visible;
  std::int32_t count;
  bool dirty;
  double weight;

  static StructLayout layout() {
    return layout_of<GnuPacked>("GnuPacked [[gnu::packed]]",
                                {VELO_LAYOUT_FIELD(GnuPacked, active, "bool"),
                                 VELO_LAYOUT_FIELD(GnuPacked, id, "int64_t"),
                                 VELO_LAYOUT_FIELD(GnuPacked, visible, "bool"),
                                 VELO_LAYOUT_FIELD(GnuPacked, count, "int32_t"),
                                 VELO_LAYOUT_FIELD(GnuPacked, dirty, "bool"),
                                 VELO_LAYOUT_FIELD(GnuPacked, weight, "double")});
  }
};
static_assert(sizeof(GnuPacked) == 23 && alignof(GnuPacked) == 1);
static_assert(offsetof(GnuPacked, id) == 1 && offsetof(GnuPacked, visible) == 9 &&
              offsetof(GnuPacked, count) == 10 && offsetof(GnuPacked, dirty) == 14 &&
              offsetof(GnuPacked, weight) == 15);

}  // namespace

Implementation fields_gnu_packed() {
  return {.name = "fields_gnu_packed",
          .doc = "field_order: the declared order with [[gnu::packed]] (23 B, no padding, misaligned)",
          .params = field_order_params(),
          .make = field_order_factory<GnuPacked>()};
}

}  // namespace velo::cacheline

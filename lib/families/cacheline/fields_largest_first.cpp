// field_order/fields_largest_first: the same fields sorted by decreasing alignment,
// the rule that minimises padding (every field then starts aligned without
// filler): 23 bytes of data in a 24-byte record, only tail padding left.
#include "families/cacheline/cacheline.hpp"
#include "families/cacheline/field_order.hpp"

namespace velo::cacheline {
namespace {

struct LargestFirst {
  std::int64_t id;
  double weight;
  std::int32_t count;
  bool active;
  bool visible;
  bool dirty;

  static StructLayout layout() {
    return layout_of<LargestFirst>("LargestFirst",
                                   {VELO_LAYOUT_FIELD(LargestFirst, id, "int64_t"),
                                    VELO_LAYOUT_FIELD(LargestFirst, weight, "double"),
                                    VELO_LAYOUT_FIELD(LargestFirst, count, "int32_t"),
                                    VELO_LAYOUT_FIELD(LargestFirst, active, "bool"),
                                    VELO_LAYOUT_FIELD(LargestFirst, visible, "bool"),
                                    VELO_LAYOUT_FIELD(LargestFirst, dirty, "bool")});
  }
};
static_assert(sizeof(LargestFirst) == 24 && alignof(LargestFirst) == 8);
static_assert(offsetof(LargestFirst, weight) == 8 && offsetof(LargestFirst, count) == 16 &&
              offsetof(LargestFirst, active) == 20 && offsetof(LargestFirst, dirty) == 22);

}  // namespace

Implementation fields_largest_first() {
  return {.name = "fields_largest_first",
          .doc = "field_order: the same fields largest-first (24 B, 1 B tail padding)",
          .params = field_order_params(),
          .make = field_order_factory<LargestFirst>()};
}

}  // namespace velo::cacheline

// field_order/fields_declared_order: the fields in the order someone thought of
// them, each bool followed by a wider field, so the compiler pads every bool up to
// the next field's alignment: 23 bytes of data in a 40-byte record (17 padding).
#include "families/cacheline/cacheline.hpp"
#include "families/cacheline/field_order.hpp"

namespace velo::cacheline {
namespace {

struct DeclaredOrder {
  bool active;
  std::int64_t id;
  bool visible;
  std::int32_t count;
  bool dirty;
  double weight;

  static StructLayout layout() {
    return layout_of<DeclaredOrder>("DeclaredOrder",
                                    {VELO_LAYOUT_FIELD(DeclaredOrder, active, "bool"),
                                     VELO_LAYOUT_FIELD(DeclaredOrder, id, "int64_t"),
                                     VELO_LAYOUT_FIELD(DeclaredOrder, visible, "bool"),
                                     VELO_LAYOUT_FIELD(DeclaredOrder, count, "int32_t"),
                                     VELO_LAYOUT_FIELD(DeclaredOrder, dirty, "bool"),
                                     VELO_LAYOUT_FIELD(DeclaredOrder, weight, "double")});
  }
};
static_assert(sizeof(DeclaredOrder) == 40 && alignof(DeclaredOrder) == 8);
static_assert(offsetof(DeclaredOrder, id) == 8 && offsetof(DeclaredOrder, visible) == 16 &&
              offsetof(DeclaredOrder, count) == 20 && offsetof(DeclaredOrder, dirty) == 24 &&
              offsetof(DeclaredOrder, weight) == 32);

}  // namespace

Implementation fields_declared_order() {
  return {.name = "fields_declared_order",
          .doc = "field_order: bool,int64,bool,int32,bool,double as declared (40 B, 17 B padding)",
          .params = field_order_params(),
          .make = field_order_factory<DeclaredOrder>()};
}

}  // namespace velo::cacheline

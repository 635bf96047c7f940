#include <fmt/format.h>

#include "families/pool/pool.hpp"
#include "families/pool/pool_workload.hpp"

namespace velo {

namespace {

std::optional<std::string> validate_pool(const Params& params) {
  const std::int64_t touch = params.integer("touch_bytes");
  const std::int64_t object = params.integer("object_bytes");
  if (touch != 0 && touch < 8) {
    return fmt::format("touch_bytes = {} is too small: each op writes an 8-byte owner tag (use 0 for all)", touch);
  }
  if (touch > object) return fmt::format("touch_bytes = {} is more than object_bytes = {}", touch, object);
  return std::nullopt;
}

}  // namespace

Family make_pool_family() {
  Family family;
  family.name = "pool";
  family.doc = "object pools vs the allocator: free lists, Treiber stack, Go's sync.Pool, std::pmr";
  family.op = "take one object, write touch_bytes of it, give one back";
  family.params = {
      {.name = "threads", .type = ParamType::integer, .default_value = std::int64_t{1},
       .doc = "threads taking and releasing at once", .min = 1, .max = 256},
      {.name = "object_bytes", .type = ParamType::bytes, .default_value = std::int64_t{64},
       .doc = "size of each object", .unit = "B", .min = 64, .max = 1 << 20},
      {.name = "touch_bytes", .type = ParamType::bytes, .default_value = std::int64_t{0},
       .doc = "bytes of the object each op writes (0 = all of it; else >= 8)", .unit = "B", .min = 0,
       .max = 1 << 20},
      {.name = "live", .type = ParamType::integer, .default_value = std::int64_t{1},
       .doc = "objects a thread holds at once before giving back the oldest", .min = 1, .max = 4096},
      {.name = "cross_thread", .type = ParamType::number, .default_value = 0.0,
       .doc = "fraction of objects given back by another thread than the one that took them", .min = 0.0,
       .max = 1.0},
  };
  family.metrics = {
      {.name = "reused_pct", .unit = "%", .better = Better::higher,
       .doc = "takes served from the pool rather than a fresh allocation (pools that know)"},
  };
  // Like `go test -benchmem`: allocation figures beside the time.
  family.headline = {"ns_per_op", "allocs_per_op", "bytes_per_op", "reused_pct"};
  family.validate = validate_pool;
  family.impls = {
#define VELO_VARIANT(file, function) pool::function(),
#include "families/pool/variants.def"
#undef VELO_VARIANT
  };
  // Known before any worker starts: one thread has no other thread to hand off to.
  for (Implementation& impl : family.impls) {
    impl.case_unsupported = [own = impl.case_unsupported](const Params& params) -> std::optional<std::string> {
      if (auto reason = pool::handoff_unsupported(params)) return reason;
      return own ? own(params) : std::nullopt;
    };
  }
  return family;
}

}  // namespace velo

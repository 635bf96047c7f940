// The one list of plugin kinds: each kind's name, the family its implementations
// join, and the adapter that builds them (one file per kind). A new kind adds its
// line here, its adapter file, and its function table in velo/plugin.h.
#include "plugin/loaded.hpp"

namespace velo::plugin {

namespace {

const Kind kKinds[] = {
    {VELO_KIND_CHANNEL, "channel", "channel", channel_implementation},
    {VELO_KIND_POOL, "pool", "pool", pool_implementation},
    {VELO_KIND_MAP, "map", "map", map_implementation},
    {VELO_KIND_COUNTER, "counter", "counters", counter_implementation},
    {VELO_KIND_FUNCTION, "function", "function", function_implementation},
};

}  // namespace

const Kind* kind_of(int id) {
  for (const Kind& kind : kKinds) {
    if (kind.id == id) return &kind;
  }
  return nullptr;
}

}  // namespace velo::plugin

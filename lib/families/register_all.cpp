// The one list of families velo ships. A new family adds its line here.
#include "families/family.hpp"
#include "families/channel/channel.hpp"
#include "families/counters/counters.hpp"
#include "families/map/map.hpp"
#include "families/io/io.hpp"
#include "families/pool/pool.hpp"
#include "families/cacheline/cacheline.hpp"
#include "families/external/external.hpp"

namespace velo {

const Registry& registry() {
  static const Registry all = [] {
    Registry r;
    r.add(make_counters_family());
    r.add(make_map_family());
    r.add(make_io_family());
    r.add(make_pool_family());
    r.add(make_cacheline_family());
    r.add(make_channel_family());
    r.add(make_command_family());
    r.add(make_gbench_family());
    return r;
  }();
  return all;
}

}  // namespace velo

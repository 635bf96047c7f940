// The one list of families velo ships. A new family adds its line here.
#include "families/family.hpp"
#include "families/extensible_registry.hpp"
#include "families/channel/channel.hpp"
#include "families/counters/counters.hpp"
#include "families/map/map.hpp"
#include "families/io/io.hpp"
#include "families/pool/pool.hpp"
#include "families/cacheline/cacheline.hpp"
#include "families/external/command_variant.hpp"
#include "families/external/external.hpp"

namespace velo {

namespace {

// Every built-in family also takes an outside program as a variant, so its
// figures sit in the same table at the same parameters (docs/external.md).
Family with_external_variant(Family family) {
  family.impls.push_back(external::external_command_variant());
  return family;
}

}  // namespace

const Registry& registry() { return extensible_registry(); }

Registry& extensible_registry() {
  static Registry all = [] {
    Registry r;
    r.add(with_external_variant(make_counters_family()));
    r.add(with_external_variant(make_map_family()));
    r.add(with_external_variant(make_io_family()));
    r.add(with_external_variant(make_pool_family()));
    r.add(with_external_variant(make_cacheline_family()));
    r.add(with_external_variant(make_channel_family()));
    r.add(make_command_family());
    r.add(make_gbench_family());
    r.add(make_gobench_family());
    return r;
  }();
  return all;
}

}  // namespace velo

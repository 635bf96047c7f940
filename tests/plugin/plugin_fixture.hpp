// Shared by the plugin tests: where the test plugins were built, a registry of
// the four families plugins join, and a case built from a scenario text.
#pragma once

#include <catch2/catch.hpp>

#include <cstdlib>
#include <string>

#include "families/channel/channel.hpp"
#include "families/counters/counters.hpp"
#include "families/map/map.hpp"
#include "families/pool/pool.hpp"
#include "plugin/plugin.hpp"
#include "scenario/scenario.hpp"

namespace plugintest {

inline std::string plugin_path(const std::string& name) {
  const char* dir = std::getenv("VELO_TEST_PLUGINS");
  REQUIRE(dir != nullptr);
  return std::string(dir) + "/velo_test_" + name + ".so";
}

// The families plugins join, in a registry of the test's own that loads plugins.
inline velo::Registry fresh_registry() {
  velo::Registry registry;
  registry.add(velo::make_channel_family());
  registry.add(velo::make_pool_family());
  registry.add(velo::make_map_family());
  registry.add(velo::make_counters_family());
  return registry;
}

}  // namespace plugintest

// [scenario] plugins = [...]: the scenario module reads the key and resolves each
// path against the scenario file's directory; loading them into the registry the
// file is checked against is the program's choice (lib/plugin/ sets this hook).
// Unset, or for a registry the loader does not manage, such a scenario is refused.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "families/family.hpp"

namespace velo {

using ScenarioPluginLoader = std::function<Status(const Registry& registry, const std::vector<std::string>& paths)>;

void set_scenario_plugin_loader(ScenarioPluginLoader loader);

}  // namespace velo

// Registering a loaded plugin's implementations into the family registry, and the
// entry points the CLI and the worker use.
#include <algorithm>
#include <cstdlib>
#include <mutex>
#include <set>

#include <fmt/format.h>

#include "plugin/loaded.hpp"

namespace velo::plugin {

namespace {

Implementation implementation_of(const std::shared_ptr<const Loaded>& plugin, const LoadedImpl& impl) {
  switch (impl.raw->kind) {
    case VELO_KIND_CHANNEL: return channel_implementation(plugin, impl);
    case VELO_KIND_POOL: return pool_implementation(plugin, impl);
    case VELO_KIND_MAP: return map_implementation(plugin, impl);
    case VELO_KIND_COUNTER: return counter_implementation(plugin, impl);
    default: return function_implementation(plugin, impl);
  }
}

std::vector<Identity>& identities() {
  static std::vector<Identity> all;
  return all;
}

}  // namespace

nlohmann::json loaded_identities() {
  nlohmann::json list = nlohmann::json::array();
  for (const Identity& id : identities()) list.push_back(id.to_json());
  return list;
}

Status register_into(const std::shared_ptr<const Loaded>& plugin, Registry& registry) {
  const Identity& id = plugin->identity;
  const auto& files = registry.plugin_files();
  if (std::find(files.begin(), files.end(), id.path) != files.end()) return {};  // named twice
  // Checked in full before anything is added: a refused plugin leaves no trace.
  for (const LoadedImpl& impl : plugin->impls) {
    const Family* family = registry.find(impl.family);
    if (!family) continue;  // `function`, created below
    if (family->find_impl(impl.raw->name)) {
      return make_error(fmt::format("plugin {}: implementation '{}' is already registered in family '{}' (a "
                                    "built-in or another plugin has that name); rename it",
                                    id.path, impl.raw->name, impl.family));
    }
    for (const ParamSpec& spec : impl.params) {
      for (const ParamSpec& own : family->params) {
        if (own.name == spec.name) {
          return make_error(fmt::format("plugin {}: implementation '{}' declares parameter '{}', which family '{}' "
                                        "already has; rename it",
                                        id.path, impl.raw->name, spec.name, impl.family));
        }
      }
    }
  }
  for (const LoadedImpl& impl : plugin->impls) {
    if (!registry.find(impl.family)) registry.add(make_function_family());
    registry.find_mutable(impl.family)->impls.push_back(implementation_of(plugin, impl));
  }
  registry.add_plugin_file(id.path);
  identities().push_back(id);
  return {};
}

Status load_all(const std::vector<std::string>& paths, Registry& registry) {
  for (const std::string& path : paths) {
    auto plugin = load(path);
    if (!plugin.ok()) return plugin.error();
    if (auto status = register_into(*plugin, registry); !status.ok()) return status;
  }
  return {};
}

void enable_scenario_plugins(Registry& registry) {
  registry.set_plugin_loader([&registry](const std::vector<std::string>& paths) { return load_all(paths, registry); });
}

Status load_for_worker() {
  const char* path = std::getenv(kWorkerPluginVariable);
  if (!path || !*path) return {};
  return load_all({path}, extensible_registry());
}

}  // namespace velo::plugin

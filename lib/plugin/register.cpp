// Registering a loaded plugin's implementations into the family registry, and the
// entry points the CLI and the worker use.
#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <iterator>
#include <mutex>
#include <set>

#include <fmt/format.h>

#include "families/extensible_registry.hpp"
#include "plugin/loaded.hpp"
#include "scenario/plugin_hook.hpp"

namespace velo::plugin {

namespace {

std::set<std::pair<const Registry*, std::string>>& registered() {
  static std::set<std::pair<const Registry*, std::string>> pairs;
  return pairs;
}

// The registries scenarios may load plugins into (enable_scenario_plugins).
std::set<const Registry*>& loading_registries() {
  static std::set<const Registry*> registries;
  return registries;
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
  // Named twice (by --plugin and a scenario, or by two scenarios): registered once.
  // The record is checked against the registry's contents, so a new registry that
  // happens to reuse an old one's address is not mistaken for it.
  const LoadedImpl& first = plugin->impls.front();
  const Family* first_family = registry.find(first.family);
  if (registered().count({&registry, id.path}) && first_family && first_family->find_impl(first.raw->name)) {
    return {};
  }
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
  // Registry offers no way to change a family in place: build the new contents and
  // replace the old (start-up only; see families/extensible_registry.hpp).
  std::vector<Family> families = registry.families();
  for (const LoadedImpl& impl : plugin->impls) {
    auto family = std::find_if(families.begin(), families.end(), [&](const Family& f) { return f.name == impl.family; });
    if (family == families.end()) {
      families.push_back(make_function_family());
      family = std::prev(families.end());
    }
    family->impls.push_back(kind_of(impl.raw->kind)->implementation(plugin, impl));
  }
  Registry updated;
  for (Family& family : families) updated.add(std::move(family));
  registry = std::move(updated);
  registered().insert({&registry, id.path});
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
  loading_registries().insert(&registry);
  set_scenario_plugin_loader([](const Registry& target, const std::vector<std::string>& paths) -> Status {
    if (!loading_registries().count(&target)) return make_error("plugins cannot be loaded here");
    // The registry was handed over writable in enable_scenario_plugins.
    return load_all(paths, const_cast<Registry&>(target));
  });
}

Status load_for_worker(const nlohmann::json& settings) {
  const char* variable = std::getenv(kWorkerPluginVariable);
  if (!variable || !*variable) return {};
  std::string path = variable;
  if (settings.is_object() && settings.contains("plugin_substitutes")) {
    const nlohmann::json& substitutes = settings["plugin_substitutes"];
    if (substitutes.is_object() && substitutes.contains(path) && substitutes[path].is_string()) {
      path = substitutes[path].get<std::string>();
    }
  }
  // Registered under the head's path would be wrong for the report: the base
  // build's identity is what its details record.
  return load_all({path}, extensible_registry());
}

Status check_substitute(const std::string& head, const std::string& base) {
  auto head_plugin = load(head);
  if (!head_plugin.ok()) return head_plugin.error();
  auto base_plugin = load(base);
  if (!base_plugin.ok()) return base_plugin.error();
  auto names = [](const Loaded& plugin) {
    std::set<std::string> out;
    for (const LoadedImpl& impl : plugin.impls) out.insert(impl.family + "/" + impl.raw->name);
    return out;
  };
  const auto head_names = names(**head_plugin);
  const auto base_names = names(**base_plugin);
  for (const auto& name : head_names) {
    if (!base_names.count(name)) {
      return make_error(fmt::format("--baseline-plugin {}: has no implementation {}, which {} has", base, name, head));
    }
  }
  return {};
}

}  // namespace velo::plugin

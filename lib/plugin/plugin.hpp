// User code under velo: loading plugins (include/velo/plugin.h, docs/plugins.md)
// and registering their implementations as variants of velo's families.
//
// A plugin's implementation of kind channel, pool, map or counter becomes one more
// Implementation of that family, built from the family's own workload driver
// (channel_workload.hpp, pool_workload.hpp, map_workload.hpp, counter_workload.hpp)
// with an adapter that calls the plugin's function pointers. The driver's
// verification is therefore the same as for the built-ins: a lossy queue fails its
// case with the driver's message and never reports a speed. Kind `function`
// becomes a variant of the `function` family, which exists only once a plugin
// brings one (function_family.cpp).
//
// Where plugins are loaded: the parent loads them to validate scenarios (`velo
// check`, `velo list`, `velo run` before anything runs) but never calls their
// code beyond the entry symbol. Each case is measured in a worker process, which
// loads the one plugin its implementation comes from (named in the worker's
// environment, kWorkerPluginVariable), so a plugin that crashes or hangs fails only
// its own case.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/result.hpp"
#include "families/family.hpp"

namespace velo::plugin {

// The worker's environment variable naming the plugin to load (absolute path).
inline constexpr const char* kWorkerPluginVariable = "VELO_WORKER_PLUGIN";

struct Identity {
  std::string path;      // absolute
  std::string name;      // declared by the plugin
  std::string version;   // declared by the plugin
  std::string build_id;  // the ELF GNU build id in hex; empty if the linker wrote none
  std::string file_hash; // content_hash() of the file's bytes
  nlohmann::json to_json() const;
};

class Loaded;  // an open, validated plugin (loader.cpp)

// Opens `path` (dlopen, RTLD_NOW | RTLD_LOCAL) and validates its descriptor table:
// the ABI version (a mismatch names both versions), the entry symbol, every
// implementation's kind, name, function pointers and parameter declarations.
// Nothing is registered. The library stays loaded for the life of the process.
Expected<std::shared_ptr<const Loaded>> load(const std::string& path);

const Identity& identity_of(const Loaded& plugin);

// Adds the plugin's implementations to `registry` (the `function` family is created
// on first use). An implementation whose name is already taken in its family is an
// error naming both.
Status register_into(const std::shared_ptr<const Loaded>& plugin, Registry& registry);

// load + register_into for each path, in order; the first error stops.
// Loading the same file twice (by absolute path) is a no-op the second time.
// Registering replaces the registry's contents: references into it taken before
// do not survive.
Status load_all(const std::vector<std::string>& paths, Registry& registry);

// Lets scenarios checked against `registry` load plugins into it ([scenario]
// plugins, through scenario/plugin_hook.hpp).
void enable_scenario_plugins(Registry& registry);

// Every plugin registered so far, in load order, as the report records them
// (settings.plugins; each plugin case's details.plugin too).
nlohmann::json loaded_identities();

// In a worker process: loads the plugin named by kWorkerPluginVariable, if any,
// into velo's registry; or, when the request's settings map that path to another
// build (settings["plugin_substitutes"], set for the baseline side of
// --baseline-plugin), that build. Returns the error to report, or nothing.
Status load_for_worker(const nlohmann::json& settings);

// --baseline-plugin: `base` may stand in for `head` when it is a plugin with the
// same implementations (kind and name); the error says what differs. Both are
// loaded (not registered).
Status check_substitute(const std::string& head, const std::string& base);

// --baseline-plugin (baseline.cpp): pairs each base build with the plugin loaded
// so far (by --plugin or [scenario] plugins) that shares implementation names with
// it, and returns the settings for the baseline side: {"plugin_substitutes":
// {HEAD: BASE, ...}}, absolute paths. No match, or two, is an error naming them.
Expected<nlohmann::json> pair_baselines(const std::vector<std::string>& bases);

}  // namespace velo::plugin

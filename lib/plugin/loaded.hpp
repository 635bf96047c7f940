// An open plugin after validation (loader.cpp), and what the per-kind adapters
// share: turning velo Params into velo_params, and the construction context.
#pragma once

#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "core/params.hpp"
#include "families/family.hpp"
#include "plugin/plugin.hpp"
#include "velo/plugin.h"

namespace velo::plugin {

struct LoadedImpl {
  const velo_impl* raw = nullptr;  // in the plugin's memory; the library is never unloaded
  std::string family;              // the velo family of its kind
  std::vector<ParamSpec> params;   // its declarations, validated and converted
};

class Loaded {
 public:
  void* handle = nullptr;
  const velo_plugin* table = nullptr;
  Identity identity;
  std::vector<LoadedImpl> impls;
};


// A case's Params as the C ABI's velo_params. Owns every string it points to.
class ParamBlock {
 public:
  explicit ParamBlock(const Params& params, const std::vector<ParamSpec>& specs);
  const velo_params* get() const { return &params_; }

 private:
  std::deque<std::string> strings_;  // stable addresses
  std::vector<velo_param_value> values_;
  velo_params params_{};
};

// The implementation a factory is building a workload for. The family drivers
// construct their channel, pool, map or counter from the case's settings alone, so
// the factory names the plugin code for the duration of that construction (on its
// own thread) and the adapter's constructor reads it here.
struct BuildContext {
  const velo_impl* impl = nullptr;
  const velo_params* params = nullptr;
};
class ScopedBuild {
 public:
  ScopedBuild(const velo_impl& impl, const velo_params* params);
  ~ScopedBuild();
  ScopedBuild(const ScopedBuild&) = delete;
  ScopedBuild& operator=(const ScopedBuild&) = delete;
  static const BuildContext& current();  // asserts one is active

 private:
  BuildContext previous_;
};

// The plugin broke its contract where no error can be returned (inside the timed
// region): names the implementation and what it did on stderr, then aborts the
// worker. The parent reports the case failed with this message.
[[noreturn]] void contract_violation(const velo_impl& impl, const char* what);

// Wraps a plugin workload so its details carry the plugin's identity.
std::unique_ptr<Workload> with_identity(std::unique_ptr<Workload> inner, const Identity& identity);

// Runs a factory body for plugin code: the construction context is set, and an
// exception from the adapter (the plugin's create returned NULL) fails the case.
using Made = std::variant<std::unique_ptr<Workload>, CaseError>;
template <typename Body>
Made build_with(const LoadedImpl& impl, const Identity& identity, const Params& params, Body&& body) {
  ParamBlock block(params, impl.params);
  ScopedBuild scope(*impl.raw, block.get());
  try {
    Made made = body();
    if (auto* workload = std::get_if<std::unique_ptr<Workload>>(&made)) {
      return with_identity(std::move(*workload), identity);
    }
    return made;
  } catch (const std::exception& e) {
    return CaseError{e.what(), false};
  }
}

// The common fields of an Implementation for a plugin one: name, doc, params and
// the worker environment that makes the worker load this plugin.
Implementation implementation_base(const Loaded& plugin, const LoadedImpl& impl);

// One plugin kind (kinds.cpp has the list).
struct Kind {
  int id;              // velo_kind
  const char* name;    // "channel", "counter", ...
  const char* family;  // the family its implementations join ("counters" for counter)
  Implementation (*implementation)(const std::shared_ptr<const Loaded>& plugin, const LoadedImpl& impl);
};
const Kind* kind_of(int id);  // nullptr for an unknown kind

// One per kind (channel.cpp, pool.cpp, map.cpp, counter.cpp, function.cpp).
Implementation channel_implementation(const std::shared_ptr<const Loaded>& plugin, const LoadedImpl& impl);
Implementation pool_implementation(const std::shared_ptr<const Loaded>& plugin, const LoadedImpl& impl);
Implementation map_implementation(const std::shared_ptr<const Loaded>& plugin, const LoadedImpl& impl);
Implementation counter_implementation(const std::shared_ptr<const Loaded>& plugin, const LoadedImpl& impl);
Implementation function_implementation(const std::shared_ptr<const Loaded>& plugin, const LoadedImpl& impl);
Family make_function_family();

}  // namespace velo::plugin

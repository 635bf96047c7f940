// A plugin pool as a variant of the pool family: the family's workload
// (families/pool/pool_workload.hpp) drives it, so an object handed to two holders
// at once, overlapping objects, misalignment and unbalanced takes and gives fail
// the case with the driver's message. A NULL from get() is a broken contract
// (the driver would write through it): the worker stops with that message.
#include <stdexcept>

#include <fmt/format.h>

#include "families/pool/pool.hpp"
#include "families/pool/pool_workload.hpp"
#include "plugin/loaded.hpp"

namespace velo::plugin {

namespace {

class PluginPool {
 public:
  explicit PluginPool(const pool::PoolSetup& setup)
      : impl_(*ScopedBuild::current().impl), ops_(*impl_.pool) {
    const velo_pool_config config{.object_bytes = setup.object_bytes,
                                  .alignment = pool::object_alignment,
                                  .threads = setup.threads,
                                  .live = setup.live};
    char error[512] = "";
    handle_ = ops_.create(&config, ScopedBuild::current().params, error, sizeof error);
    if (!handle_) {
      throw std::runtime_error(fmt::format("plugin pool '{}': create failed: {}", impl_.name,
                                           error[0] ? error : "(no reason given)"));
    }
  }
  ~PluginPool() { ops_.destroy(handle_); }
  PluginPool(const PluginPool&) = delete;
  PluginPool& operator=(const PluginPool&) = delete;

  std::byte* take(int member) {
    void* object = ops_.get(handle_, member);
    if (!object) contract_violation(impl_, "get() returned NULL");
    return static_cast<std::byte*>(object);
  }
  void give(int member, std::byte* object) { ops_.put(handle_, member, object); }
  void between_runs() {}
  std::optional<std::int64_t> fresh_allocations() const {
    if (!ops_.fresh_allocations) return std::nullopt;
    const std::int64_t fresh = ops_.fresh_allocations(handle_);
    if (fresh < 0) return std::nullopt;
    return fresh;
  }

 private:
  const velo_impl& impl_;
  const velo_pool_ops ops_;
  void* handle_ = nullptr;
};

}  // namespace

Implementation pool_implementation(const std::shared_ptr<const Loaded>& plugin, const LoadedImpl& impl) {
  Implementation out = implementation_base(*plugin, impl);
  out.case_unsupported = [](const Params& params) { return pool::handoff_unsupported(params); };
  out.make = [plugin, &impl](const Params& params) {
    return build_with(impl, plugin->identity, params, [&]() -> Made {
      return pool::factory_for<PluginPool>()(params);
    });
  };
  return out;
}

}  // namespace velo::plugin

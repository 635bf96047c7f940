// A plugin counter as a variant of the counters family: the family's workload
// (families/counters/counter_workload.hpp) calls add(thread, 1) once per
// increment and fails the case unless read() returns exactly the increments made.
#include <stdexcept>

#include <fmt/format.h>

#include "families/counters/counter_workload.hpp"
#include "families/counters/counters.hpp"
#include "plugin/loaded.hpp"

namespace velo::plugin {

namespace {

class PluginCounter {
 public:
  PluginCounter(int threads, const Params&) : impl_(*ScopedBuild::current().impl), ops_(*impl_.counter) {
    const velo_counter_config config{.threads = threads};
    char error[512] = "";
    handle_ = ops_.create(&config, ScopedBuild::current().params, error, sizeof error);
    if (!handle_) {
      throw std::runtime_error(fmt::format("plugin counter '{}': create failed: {}", impl_.name,
                                           error[0] ? error : "(no reason given)"));
    }
  }
  ~PluginCounter() { ops_.destroy(handle_); }
  PluginCounter(const PluginCounter&) = delete;
  PluginCounter& operator=(const PluginCounter&) = delete;

  void add(int member) { ops_.add(handle_, member, 1); }
  void flush(int member) {
    if (ops_.flush) ops_.flush(handle_, member);
  }
  std::uint64_t total() const { return ops_.read(handle_); }

 private:
  const velo_impl& impl_;
  const velo_counter_ops ops_;
  void* handle_ = nullptr;
};

}  // namespace

Implementation counter_implementation(const std::shared_ptr<const Loaded>& plugin, const LoadedImpl& impl) {
  Implementation out = implementation_base(*plugin, impl);
  out.make = [plugin, &impl](const Params& params) {
    return build_with(impl, plugin->identity, params, [&]() -> Made {
      return counters::factory_for<PluginCounter>()(params);
    });
  };
  return out;
}

}  // namespace velo::plugin

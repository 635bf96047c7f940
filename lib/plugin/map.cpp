// A plugin map as a variant of the map family: the family's workload
// (families/map/map_workload.hpp) drives it with u64 or string keys, and after
// every repetition fails the case unless size() equals the prefill plus the net
// inserts the operations' return values report (a lost insert or a double-counted
// erase). Keys of a type the plugin has no functions for are skipped with the reason.
//
// A lookup copies the value straight into the driver's reserved buffer (no
// allocation), as the built-ins' find copies it out.
#include <stdexcept>

#include <fmt/format.h>

#include "families/map/map.hpp"
#include "families/map/map_workload.hpp"
#include "plugin/loaded.hpp"

namespace velo::plugin {

namespace {

template <typename Key>
class PluginMap {
 public:
  static constexpr bool string_keys = std::is_same_v<Key, std::string>;

  PluginMap(int threads, std::size_t expected_keys, const Params&)
      : impl_(*ScopedBuild::current().impl), ops_(*impl_.map) {
    const velo_map_config config{.threads = threads, .expected_keys = expected_keys, .string_keys = string_keys};
    char error[512] = "";
    handle_ = ops_.create(&config, ScopedBuild::current().params, error, sizeof error);
    if (!handle_) {
      throw std::runtime_error(fmt::format("plugin map '{}': create failed: {}", impl_.name,
                                           error[0] ? error : "(no reason given)"));
    }
  }
  ~PluginMap() { ops_.destroy(handle_); }
  PluginMap(const PluginMap&) = delete;
  PluginMap& operator=(const PluginMap&) = delete;

  bool find(int thread, const Key& key, map::Value& out) {
    out.resize(out.capacity());
    velo_value_out into{out.data(), out.size(), 0};
    if (!lookup(thread, key, into)) return false;
    if (into.length > out.size()) {  // more than the buffer held: once more with room
      out.resize(into.length);
      into = {out.data(), out.size(), 0};
      if (!lookup(thread, key, into)) return false;
    }
    out.resize(std::min(into.length, out.size()));
    return true;
  }

  bool insert_or_assign(int thread, const Key& key, const map::Value& value) {
    if constexpr (string_keys) {
      return ops_.insert_or_assign_str(handle_, thread, key.data(), key.size(), value.data(), value.size()) != 0;
    } else {
      return ops_.insert_or_assign_u64(handle_, thread, key, value.data(), value.size()) != 0;
    }
  }

  bool erase(int thread, const Key& key) {
    if constexpr (string_keys) {
      return ops_.erase_str(handle_, thread, key.data(), key.size()) != 0;
    } else {
      return ops_.erase_u64(handle_, thread, key) != 0;
    }
  }

  std::size_t size() const { return ops_.size(handle_); }

 private:
  bool lookup(int thread, const Key& key, velo_value_out& into) {
    if constexpr (string_keys) {
      return ops_.find_str(handle_, thread, key.data(), key.size(), &into) != 0;
    } else {
      return ops_.find_u64(handle_, thread, key, &into) != 0;
    }
  }

  const velo_impl& impl_;
  const velo_map_ops ops_;
  void* handle_ = nullptr;
};

}  // namespace

Implementation map_implementation(const std::shared_ptr<const Loaded>& plugin, const LoadedImpl& impl) {
  Implementation out = implementation_base(*plugin, impl);
  const bool u64 = impl.raw->map->find_u64 != nullptr;
  const bool strings = impl.raw->map->find_str != nullptr;
  out.case_unsupported = [u64, strings](const Params& params) -> std::optional<std::string> {
    const bool want_strings = params.text("key_type") == "string";
    if (want_strings && !strings) return "string keys: the plugin has no find_str/insert_or_assign_str/erase_str";
    if (!want_strings && !u64) return "u64 keys: the plugin has no find_u64/insert_or_assign_u64/erase_u64";
    return std::nullopt;
  };
  out.make = [plugin, &impl](const Params& params) {
    return build_with(impl, plugin->identity, params, [&]() -> Made {
      return map::factory_for<PluginMap>()(params);
    });
  };
  return out;
}

}  // namespace velo::plugin

// --baseline-plugin: which head plugin each base build stands in for. A base build
// pairs with the one plugin loaded for this run, by --plugin or by a scenario's
// [scenario] plugins, that shares implementation names (family/name) with it; it
// must then have every implementation that head has (check_substitute). The order
// of the options does not matter. No head, two heads, or two bases for one head is
// an error naming them.
#include <filesystem>
#include <map>
#include <set>

#include <fmt/format.h>

#include "plugin/loaded.hpp"

namespace velo::plugin {

namespace {

std::set<std::string> implementation_names(const Loaded& plugin) {
  std::set<std::string> out;
  for (const LoadedImpl& impl : plugin.impls) out.insert(impl.family + "/" + impl.raw->name);
  return out;
}

std::string joined(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& item : items) out += (out.empty() ? "" : ", ") + item;
  return out;
}

}  // namespace

Expected<nlohmann::json> pair_baselines(const std::vector<std::string>& bases) {
  struct Head {
    std::string path;
    std::set<std::string> names;
  };
  std::vector<Head> heads;
  for (const auto& id : loaded_identities()) {
    const std::string path = id.at("path").get<std::string>();
    auto head = load(path);
    if (!head.ok()) return head.error();
    heads.push_back({path, implementation_names(**head)});
  }
  nlohmann::json substitutes = nlohmann::json::object();
  std::map<std::string, std::string> base_of;  // head path -> the --baseline-plugin naming it
  for (const std::string& base : bases) {
    auto loaded = load(base);
    if (!loaded.ok()) return loaded.error();
    const std::set<std::string> names = implementation_names(**loaded);
    std::vector<std::string> matches;
    for (const Head& head : heads) {
      for (const std::string& name : head.names) {
        if (names.count(name)) {
          matches.push_back(head.path);
          break;
        }
      }
    }
    if (matches.empty()) {
      std::vector<std::string> loaded_paths;
      for (const Head& head : heads) loaded_paths.push_back(head.path);
      return make_error(heads.empty()
                            ? fmt::format("--baseline-plugin {}: no head build to pair it with: give the head build "
                                          "with --plugin or in a scenario's [scenario] plugins", base)
                            : fmt::format("--baseline-plugin {}: none of the plugins loaded ({}) has any of its "
                                          "implementations ({})", base, joined(loaded_paths),
                                          joined({names.begin(), names.end()})));
    }
    if (matches.size() > 1) {
      return make_error(fmt::format("--baseline-plugin {}: ambiguous: {} and {} both have implementations it has; "
                                    "a base build must pair with one head plugin", base, matches[0], matches[1]));
    }
    const std::string& head = matches.front();
    if (auto status = check_substitute(head, base); !status.ok()) return status.error();
    if (const auto other = base_of.find(head); other != base_of.end()) {
      return make_error(fmt::format("--baseline-plugin {} and {} both pair with {}", other->second, base, head));
    }
    base_of[head] = base;
    std::error_code error;
    substitutes[head] = std::filesystem::canonical(base, error).string();
  }
  return nlohmann::json{{"plugin_substitutes", substitutes}};
}

}  // namespace velo::plugin

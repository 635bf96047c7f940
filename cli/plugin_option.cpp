#include "cli/plugin_option.hpp"

#include "cli/commands.hpp"
#include "families/extensible_registry.hpp"
#include "plugin/plugin.hpp"

namespace velo::cli {

void add_plugin_option(CLI::App* command, std::vector<std::string>& paths) {
  command->add_option("--plugin", paths,
                      "Load a plugin (a shared object built with velo/plugin.h; repeatable): its implementations "
                      "join their families (docs/plugins.md)");
}

bool load_plugin_options(const std::vector<std::string>& paths) {
  if (auto status = plugin::load_all(paths, extensible_registry()); !status.ok()) {
    print_error(status.error().describe());
    return false;
  }
  return true;
}

}  // namespace velo::cli

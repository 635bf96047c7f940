// `--plugin PATH` (repeatable), shared by run, list and check: the plugins are
// loaded into velo's registry before any scenario is read (lib/plugin/).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

namespace velo::cli {

// Adds the option to `command`; the paths land in *paths.
void add_plugin_option(CLI::App* command, std::vector<std::string>& paths);

// Loads them; false (after printing the error) if one cannot be loaded.
bool load_plugin_options(const std::vector<std::string>& paths);

}  // namespace velo::cli

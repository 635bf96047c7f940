// Loading sets of scenario files: paths and directories from the command line, or
// the quick suite compiled into the binary.
#include "scenario/scenario.hpp"

#include <algorithm>
#include <filesystem>
#include <map>

#include <fmt/format.h>

#include "scenario/embedded_files.hpp"
#include "scenario/toml_util.hpp"

namespace velo {
namespace {

namespace fs = std::filesystem;

// Where `name = ...` is in [scenario], for pointing at the second of two equal names.
SourceLocation name_location(const Scenario& scenario) {
  try {
    const toml::table root = toml::parse(scenario.content, scenario.path);
    if (const toml::node* name = root.at_path("scenario.name").node()) {
      return scenario_detail::location_of(name->source(), scenario.path);
    }
  } catch (const toml::parse_error&) {
    // The file parsed once already; fall back to naming the file only.
  }
  return SourceLocation{scenario.path};
}

// Reports of a run are keyed by scenario name, so two files may not share one.
Status check_unique_names(const std::vector<Scenario>& scenarios) {
  std::map<std::string, const Scenario*> by_name;
  for (const auto& scenario : scenarios) {
    auto [it, fresh] = by_name.emplace(scenario.name, &scenario);
    if (fresh) continue;
    return make_error(fmt::format("scenario name '{}' is already used by {}; scenario names must be unique",
                                  scenario.name, it->second->path),
                      name_location(scenario));
  }
  return {};
}

}  // namespace

Expected<std::vector<Scenario>> load_scenarios(const std::vector<std::string>& paths, const Registry& registry) {
  std::vector<std::string> files;
  for (const auto& path : paths) {
    std::error_code error;
    const fs::file_status status = fs::status(path, error);
    if (fs::is_directory(status)) {
      std::vector<std::string> found;
      // Not recursive: `scenarios/` is the full studies, `scenarios/quick/` the short
      // versions of the same cases, and running both at once would only collide.
      for (auto it = fs::directory_iterator(path, error); !error && it != fs::directory_iterator();
           it.increment(error)) {
        if (it->path().extension() == ".toml" && it->is_regular_file(error)) found.push_back(it->path().string());
      }
      if (error) return make_error(fmt::format("cannot list the directory: {}", error.message()), SourceLocation{path});
      if (found.empty()) return make_error("no scenario files (*.toml) in this directory", SourceLocation{path});
      std::sort(found.begin(), found.end());
      files.insert(files.end(), found.begin(), found.end());
    } else if (fs::exists(status) || (error && error != std::errc::no_such_file_or_directory &&
                                      error != std::errc::not_a_directory)) {
      files.push_back(path);  // load_scenario_file says what is wrong: a FIFO, a symlink loop, permissions
    } else {
      return make_error("no such scenario file or directory", SourceLocation{path});
    }
  }

  // The same file named twice (directly and through its directory) is loaded once.
  std::vector<Scenario> scenarios;
  std::vector<fs::path> loaded;
  for (const auto& file : files) {
    std::error_code error;
    fs::path canonical = fs::weakly_canonical(file, error);
    if (error) canonical = file;
    if (std::find(loaded.begin(), loaded.end(), canonical) != loaded.end()) continue;
    loaded.push_back(canonical);
    auto scenario = load_scenario_file(file, registry);
    if (!scenario) return scenario.error();
    scenarios.push_back(std::move(*scenario));
  }
  if (auto s = check_unique_names(scenarios); !s) return s.error();
  return scenarios;
}

Expected<std::vector<Scenario>> load_builtin_quick_suite(const Registry& registry) {
  std::vector<Scenario> scenarios;
  for (const EmbeddedFile& file : quick_suite_files()) {
    auto scenario = parse_scenario(file.content, fmt::format("<builtin>/{}", file.name), registry);
    if (!scenario) return scenario.error();
    scenarios.push_back(std::move(*scenario));
  }
  if (auto s = check_unique_names(scenarios); !s) return s.error();
  return scenarios;
}

}  // namespace velo

// `velo check SCENARIO...`: validate scenario files without running anything
// (a CI lint step). Exit 0 when all are valid, 2 on the first error.
#include <fmt/format.h>

#include "cli/commands.hpp"
#include "cli/plugin_option.hpp"
#include "scenario/scenario.hpp"

namespace velo::cli {

void add_check_command(CLI::App& app, Context& context) {
  CLI::App* check = app.add_subcommand("check", "Validate scenario files (and directories of them) without running");
  auto paths = std::make_shared<std::vector<std::string>>();
  check->add_option("scenarios", *paths, "Scenario files or directories")->required();
  auto plugins = std::make_shared<std::vector<std::string>>();
  add_plugin_option(check, *plugins);
  check->callback([&context, paths, plugins] {
    if (!load_plugin_options(*plugins)) {
      context.exit_code = exit_code::bad_input;
      return;
    }
    auto scenarios = load_scenarios(*paths, registry());
    if (!scenarios.ok()) {
      print_error(scenarios.error().describe());
      context.exit_code = exit_code::bad_input;
      return;
    }
    for (const Scenario& scenario : *scenarios) {
      auto cases = expand_cases({scenario}, {}, registry());
      if (!cases.ok()) {
        print_error(cases.error().describe());
        context.exit_code = exit_code::bad_input;
        return;
      }
      std::size_t skipped = 0;
      for (const Case& c : *cases) skipped += c.skip_reason ? 1 : 0;
      fmt::print("ok  {}  ({}: {} cases{})\n", scenario.path, scenario.name, cases->size(),
                 skipped ? fmt::format(", {} skipped on this host", skipped) : "");
    }
  });
}

}  // namespace velo::cli

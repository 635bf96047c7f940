// velo: parse the command line, run the chosen subcommand, exit with its code.
#include <fmt/format.h>

#include <exception>
#include <string_view>

#include "cli/commands.hpp"
#include "core/build_info.hpp"
#include "core/text.hpp"
#include "families/extensible_registry.hpp"
#include "plugin/plugin.hpp"

namespace {

// "velo bogus": CLI11 would say "A subcommand is required"; name the command and the
// ones there are instead.
std::optional<std::string> unknown_command(const CLI::App& app, int argc, char** argv) {
  if (argc < 2 || argv[1][0] == '-') return std::nullopt;
  const std::string given = argv[1];
  std::vector<std::string> known;
  for (const CLI::App* sub : app.get_subcommands([](const CLI::App* s) { return !s->get_group().empty(); })) {
    known.push_back(sub->get_name());
  }
  if (std::find(known.begin(), known.end(), given) != known.end() || given == "__worker") return std::nullopt;
  const auto hint = velo::closest_match(given, known);
  return fmt::format("unknown command '{}'{}; commands: {}", given,
                     hint ? fmt::format(" (did you mean '{}'?)", *hint) : "", velo::join(known, ", "));
}

int run(int argc, char** argv) {
  CLI::App app{"velo: measure, compare and gate the performance questions systems programmers ask", "velo"};
  app.set_version_flag("--version", fmt::format("velo {} ({})", velo::build::version(), velo::build::commit));
  app.require_subcommand(1);
  app.footer("Exit codes: 0 ok, 1 a case failed or timed out / a regression, 2 bad usage, input or output, "
             "130 interrupted.\nDocs: README.md and docs/ in the velo source tree.");

  velo::cli::Context context;
  velo::plugin::enable_scenario_plugins(velo::extensible_registry());  // [scenario] plugins = [...]
  velo::cli::add_run_command(app, context);
  velo::cli::add_list_command(app, context);
  velo::cli::add_check_command(app, context);
  velo::cli::add_compare_command(app, context);
  velo::cli::add_gate_command(app, context);
  velo::cli::add_flame_command(app, context);
  velo::cli::add_export_command(app, context);
  velo::cli::add_history_command(app, context);
  velo::cli::add_merge_command(app, context);
  velo::cli::add_report_command(app, context);
  velo::cli::add_show_command(app, context);
  velo::cli::add_worker_command(app, context);

  if (auto unknown = unknown_command(app, argc, argv)) {
    velo::cli::print_error(*unknown);
    fmt::print(stderr, "Run 'velo --help' for usage.\n");
    return velo::cli::exit_code::bad_input;
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e);  // --help, --version
    velo::cli::print_error(e.what());
    fmt::print(stderr, "Run 'velo --help' or 'velo <command> --help' for usage.\n");
    return velo::cli::exit_code::bad_input;
  }
  return context.exit_code;
}

}  // namespace

int main(int argc, char** argv) {
  // Every failure a user can cause travels as a value; whatever still escapes (out of
  // memory, a library's exception) becomes a message and exit 2, never an abort.
  try {
    return run(argc, argv);
  } catch (const std::bad_alloc&) {
    velo::cli::print_error("out of memory");
  } catch (const std::exception& e) {
    velo::cli::print_error(fmt::format("internal error: {}", e.what()));
  } catch (...) {
    velo::cli::print_error("internal error: an unknown exception");
  }
  return velo::cli::exit_code::bad_input;
}

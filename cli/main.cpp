// velo: parse the command line, run the chosen subcommand, exit with its code.
#include <fmt/format.h>

#include "cli/commands.hpp"
#include "core/build_info.hpp"

int main(int argc, char** argv) {
  CLI::App app{"velo: measure, compare and gate the performance questions systems programmers ask", "velo"};
  app.set_version_flag("--version", fmt::format("velo {} ({})", velo::build::version(), velo::build::commit));
  app.require_subcommand(1);
  app.footer("Exit codes: 0 ok, 1 a case failed or timed out / a regression, 2 bad usage or input, 130 interrupted.\n"
             "Docs: README.md and docs/ in the velo source tree.");

  velo::cli::Context context;
  velo::cli::add_run_command(app, context);
  velo::cli::add_list_command(app, context);
  velo::cli::add_check_command(app, context);
  velo::cli::add_compare_command(app, context);
  velo::cli::add_gate_command(app, context);
  velo::cli::add_flame_command(app, context);
  velo::cli::add_export_command(app, context);
  velo::cli::add_report_command(app, context);
  velo::cli::add_show_command(app, context);
  velo::cli::add_worker_command(app, context);

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

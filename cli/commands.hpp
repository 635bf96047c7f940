// velo's subcommands. Each cmd_<name>.cpp adds one subcommand to the app: it parses
// options, calls the library, prints errors as "velo: error: ..." and sets the exit
// code (0 ok, 1 a case failed / a regression, 2 bad usage or input).
#pragma once

#include <CLI/CLI.hpp>

namespace velo::cli {

struct Context {
  int exit_code = 0;
};

namespace exit_code {
inline constexpr int ok = 0;
inline constexpr int failed = 1;      // a case failed or timed out; the gate found a regression
inline constexpr int bad_input = 2;   // bad usage, scenario, report or folded file
inline constexpr int interrupted = 130;
}  // namespace exit_code

// Prints "velo: error: <message>" to stderr.
void print_error(std::string_view message);

void add_run_command(CLI::App& app, Context& context);
void add_list_command(CLI::App& app, Context& context);
void add_check_command(CLI::App& app, Context& context);
void add_compare_command(CLI::App& app, Context& context);
void add_gate_command(CLI::App& app, Context& context);
void add_worker_command(CLI::App& app, Context& context);  // hidden: the isolated worker
void add_flame_command(CLI::App&, Context&);
void add_export_command(CLI::App&, Context&);
void add_report_command(CLI::App&, Context&);  // HTML page of reports
void add_show_command(CLI::App&, Context&);    // one case of a report in full

}  // namespace velo::cli

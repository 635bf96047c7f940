// velo's subcommands. Each cmd_<name>.cpp adds one subcommand to the app: it turns
// options into a request for lib/app/ (or the library module it needs), and the
// result into output and an exit code (lib/app/exit_code.hpp has the one rule).
#pragma once

#include <string_view>

#include <CLI/CLI.hpp>

#include "app/exit_code.hpp"
#include "core/result.hpp"
#include "export/formats.hpp"

namespace velo::cli {

struct Context {
  int exit_code = 0;
};

namespace exit_code = app::exit_code;

// Prints "velo: error: <message>" / "velo: warning: <message>" to stderr.
void print_error(std::string_view message);
void print_warning(std::string_view message);
// Prints the error and returns exit_code::bad_input.
int fail(const Error& error);

// --color auto|always|never: auto colours a terminal unless NO_COLOR is set.
bool use_color(std::string_view choice);

// Writes a command's result to stdout, or to `path` atomically when given (not "" or
// "-"); 0, or exit_code::bad_input with the message printed when it cannot be written.
int print_output(std::string_view text, std::string_view path = {});

// --format for `command`: the registry's formats offered to it (export/formats.hpp).
CLI::Option* add_format_option(CLI::App& command, std::string& into, exporter::Offered offered);
// --color auto|always|never.
CLI::Option* add_color_option(CLI::App& command, std::string& into, std::string_view what);

void add_run_command(CLI::App& app, Context& context);
void add_list_command(CLI::App& app, Context& context);
void add_check_command(CLI::App& app, Context& context);
void add_compare_command(CLI::App& app, Context& context);
void add_gate_command(CLI::App& app, Context& context);
void add_worker_command(CLI::App& app, Context& context);  // hidden: the isolated worker
void add_flame_command(CLI::App& app, Context& context);
void add_export_command(CLI::App& app, Context& context);
void add_history_command(CLI::App& app, Context& context);
void add_merge_command(CLI::App& app, Context& context);
void add_report_command(CLI::App& app, Context& context);  // HTML page of reports
void add_show_command(CLI::App& app, Context& context);    // one case of a report in full

}  // namespace velo::cli

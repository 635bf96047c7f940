// How every command talks to the terminal: errors and warnings on stderr, results on
// stdout (checked, so a full disk is an error and not an empty success) or in a file.
#include <fmt/format.h>
#include <unistd.h>

#include <cstdlib>

#include "cli/commands.hpp"
#include "core/atomic_file.hpp"

namespace velo::cli {

void print_error(std::string_view message) { fmt::print(stderr, "velo: error: {}\n", message); }

void print_warning(std::string_view message) { fmt::print(stderr, "velo: warning: {}\n", message); }

int fail(const Error& error) {
  print_error(error.describe());
  return exit_code::bad_input;
}

bool use_color(std::string_view choice) {
  if (choice == "always") return true;
  if (choice == "never") return false;
  return isatty(STDOUT_FILENO) && std::getenv("NO_COLOR") == nullptr;
}

int print_output(std::string_view text, std::string_view path) {
  const Status written = path.empty() || path == "-" ? write_stdout(text)
                                                      : write_file_atomically(std::string(path), text);
  return written.ok() ? exit_code::ok : fail(written.error());
}

CLI::Option* add_format_option(CLI::App& command, std::string& into, exporter::Offered offered) {
  std::string help = "What to print on stdout:";
  for (const auto& format : exporter::formats().all()) {
    if (format.offered & offered) help += fmt::format("\n  {:<10} {}", format.name, format.doc);
  }
  return command.add_option("--format", into, help)
      ->check(CLI::IsMember(exporter::formats().names(offered)))
      ->capture_default_str();
}

CLI::Option* add_color_option(CLI::App& command, std::string& into, std::string_view what) {
  return command.add_option("--color", into, std::string(what))
      ->check(CLI::IsMember({"auto", "always", "never"}))
      ->capture_default_str();
}

}  // namespace velo::cli

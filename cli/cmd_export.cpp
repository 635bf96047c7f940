// `velo export FILE --to FORMAT [-o OUT]`: converts a profile (folded stacks) or a
// report (REPORT.json) into another tool's format. Formats are one table; each
// row says which input it takes. Exporters return bytes; only this file writes
// them (stdout for text formats when -o is not given).
#include <fmt/format.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include <cstdio>
#include <filesystem>
#include <functional>

#include "cli/commands.hpp"
#include "core/atomic_file.hpp"
#include "core/text.hpp"
#include "export/pprof.hpp"
#include "export/speedscope.hpp"

namespace velo::cli {

namespace {

enum class InputKind { folded, report };

struct ExportArgs {
  std::string input;
  std::string format;
  std::string output;
  int hz = 99;
};

struct Input {
  std::string path;
  std::string text;
  InputKind kind = InputKind::folded;
};

using FoldedExporter = std::function<Expected<std::string>(const profiler::FoldedStacks&, const ExportArgs&)>;

struct Format {
  std::string name;
  InputKind takes;
  bool binary;
  FoldedExporter from_folded;  // for InputKind::folded
  std::string doc;
};

// Report formats (benchstat, gbench, csv, markdown) join this table with
// InputKind::report and a function of the parsed report.
const std::vector<Format>& formats() {
  static const std::vector<Format> table = {
      {"speedscope", InputKind::folded, false,
       [](const profiler::FoldedStacks& stacks, const ExportArgs& args) -> Expected<std::string> {
         return exporter::speedscope_json(stacks, std::filesystem::path(args.input).filename().string());
       },
       "speedscope JSON, one profile per thread"},
      {"pprof", InputKind::folded, true,
       [](const profiler::FoldedStacks& stacks, const ExportArgs& args) {
         return exporter::pprof_gzip(stacks, {.hz = args.hz});
       },
       "gzipped profile.proto for go tool pprof"},
  };
  return table;
}

// A report is a JSON object with "schema_version"; anything else is read as
// folded stacks.
InputKind kind_of(const std::string& text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string::npos || text[first] != '{') return InputKind::folded;
  const auto json = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  return json.is_object() && json.contains("schema_version") ? InputKind::report : InputKind::folded;
}

int run_export(const ExportArgs& args) {
  const Format* format = nullptr;
  std::vector<std::string> names;
  for (const auto& row : formats()) {
    names.push_back(row.name);
    if (row.name == args.format) format = &row;
  }
  if (format == nullptr) {
    auto hint = closest_match(args.format, names);
    print_error(fmt::format("unknown export format '{}'{}; formats: {}", args.format,
                            hint ? fmt::format(" (did you mean '{}'?)", *hint) : "", join(names, ", ")));
    return exit_code::bad_input;
  }
  if (args.hz < 1) {
    print_error(fmt::format("--hz {} must be at least 1", args.hz));
    return exit_code::bad_input;
  }

  auto text = read_text_file(args.input);
  if (!text) {
    print_error(text.error().describe());
    return exit_code::bad_input;
  }
  const InputKind kind = kind_of(*text);
  if (kind != format->takes) {
    print_error(fmt::format("'{}' is {}, but --to {} converts {}", args.input,
                            kind == InputKind::report ? "a report" : "not a report (read as folded stacks)",
                            format->name, format->takes == InputKind::report ? "reports" : "folded stacks"));
    return exit_code::bad_input;
  }
  auto stacks = profiler::FoldedStacks::parse(*text, args.input);
  if (!stacks) {
    print_error(stacks.error().describe());
    return exit_code::bad_input;
  }
  auto bytes = format->from_folded(*stacks, args);
  if (!bytes) {
    print_error(bytes.error().describe());
    return exit_code::failed;
  }

  if (args.output.empty() || args.output == "-") {
    if (format->binary && isatty(STDOUT_FILENO)) {
      print_error(fmt::format("{} output is binary: give -o FILE or redirect stdout", format->name));
      return exit_code::bad_input;
    }
    std::fwrite(bytes->data(), 1, bytes->size(), stdout);
    return exit_code::ok;
  }
  if (auto written = write_file_atomically(args.output, *bytes); !written) {
    print_error(written.error().describe());
    return exit_code::failed;
  }
  return exit_code::ok;
}

}  // namespace

void add_export_command(CLI::App& app, Context& context) {
  std::string help = "Convert a profile (folded stacks) or a report into another tool's format:";
  for (const auto& row : formats()) help += fmt::format("\n  {:<12} {}", row.name, row.doc);
  CLI::App* command = app.add_subcommand("export", "Convert folded stacks or a report to another format");
  command->footer(help);
  auto args = std::make_shared<ExportArgs>();
  command->add_option("input", args->input, "Folded stacks file or REPORT.json")->required();
  command->add_option("--to", args->format, "Output format")->required();
  command->add_option("-o,--output", args->output, "File to write (default: stdout for text formats)");
  command->add_option("--hz", args->hz, "Sampling rate of the folded stacks (pprof's cpu time per sample)")
      ->capture_default_str();
  command->callback([&context, args] { context.exit_code = run_export(*args); });
}

}  // namespace velo::cli

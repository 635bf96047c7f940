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
#include "export/benchstat.hpp"
#include "export/exporters.hpp"
#include "export/gbench.hpp"
#include "export/pprof.hpp"
#include "export/speedscope.hpp"
#include "report/report.hpp"

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
using ReportExporter = std::function<std::string(const report::Report&)>;

struct Format {
  std::string name;
  InputKind takes;
  bool binary;
  FoldedExporter from_folded;  // for InputKind::folded
  std::string doc;
  ReportExporter from_report = nullptr;  // for InputKind::report
};

Format report_format(std::string name, ReportExporter exporter, std::string doc) {
  return {std::move(name), InputKind::report, false, nullptr, std::move(doc), std::move(exporter)};
}

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
      report_format("benchstat", exporter::benchstat_text,
                    "Go benchmark lines, one per repetition, for benchstat (report)"),
      report_format("gbench", exporter::gbench_json,
                    "Google Benchmark JSON with repetitions and aggregates, for compare.py (report)"),
      report_format("csv", exporter::cases_csv, "one row per case and metric (report)"),
      report_format("markdown", [](const report::Report& r) { return exporter::comparison_markdown(r); },
                    "the comparison tables as GitHub Markdown (report)"),
  };
  return table;
}

// A report is a JSON object with "schema_version"; anything else is read as
// folded stacks.
bool looks_like_json_object(const std::string& text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  return first != std::string::npos && text[first] == '{';
}

InputKind kind_of(const std::string& text) {
  if (!looks_like_json_object(text)) return InputKind::folded;
  const auto json = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  return json.is_object() && json.contains("schema_version") ? InputKind::report : InputKind::folded;
}

// The exported bytes; an input the format cannot take is bad input (exit 2), an
// exporter that fails on a good input is a failure (exit 1).
struct Converted {
  Expected<std::string> bytes;
  int exit_code_on_error = exit_code::bad_input;
};

Converted convert(const Format& format, const std::string& text, const ExportArgs& args) {
  if (format.takes == InputKind::report) {
    // JSON that is not a valid report (truncated, a newer schema version) gets the
    // reader's precise error with file and line; anything else is named for what it is.
    if (!looks_like_json_object(text)) {
      return {make_error(fmt::format("not a velo report (expected JSON with a schema_version; this looks like "
                                     "folded stacks), but --to {} converts reports", format.name), {args.input})};
    }
    auto parsed = report::parse_report(text, args.input);
    if (!parsed) return {parsed.error()};
    return {format.from_report(*parsed)};
  }
  if (kind_of(text) == InputKind::report) {
    return {make_error(fmt::format("a report, but --to {} converts folded stacks (report formats: benchstat, "
                                   "gbench, csv, markdown)", format.name), {args.input})};
  }
  auto stacks = profiler::FoldedStacks::parse(text, args.input);
  if (!stacks) return {stacks.error()};
  return {format.from_folded(*stacks, args), exit_code::failed};
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

  auto text = read_text_file(args.input, "report or folded file");
  if (!text) {
    print_error(text.error().describe());
    return exit_code::bad_input;
  }
  auto [bytes, error_code] = convert(*format, *text, args);
  if (!bytes) {
    print_error(bytes.error().describe());
    return error_code;
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

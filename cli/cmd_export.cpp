// `velo export FILE --to FORMAT [-o OUT]`: converts a profile (folded stacks) or a
// report (REPORT.json) into another tool's format. The formats are those of
// export/formats.hpp offered to export; each says which input it takes.
#include <fmt/format.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "cli/commands.hpp"
#include "core/atomic_file.hpp"
#include "core/text.hpp"
#include "export/formats.hpp"
#include "report/report.hpp"

namespace velo::cli {

namespace {

using exporter::Takes;

struct ExportArgs {
  std::string input;
  std::string format;
  std::string output;
  int hz = 99;
};

// A report is a JSON object with "schema_version"; anything else is read as
// folded stacks.
bool looks_like_json_object(const std::string& text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  return first != std::string::npos && text[first] == '{';
}

Takes kind_of(const std::string& text) {
  if (!looks_like_json_object(text)) return Takes::folded;
  const auto json = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  return json.is_object() && json.contains("schema_version") ? Takes::report : Takes::folded;
}

const exporter::Format* find_format(const std::string& name) {
  for (const auto& format : exporter::formats().all()) {
    if ((format.offered & exporter::offered_by_export) && format.name == name) return &format;
  }
  return nullptr;
}

// The exported bytes; an input the format cannot take, or one it fails on, is bad
// input (exit 2).
Expected<std::string> convert(const exporter::Format& format, const std::string& text, const ExportArgs& args) {
  const exporter::RenderOptions options{.hz = args.hz, .source_name = args.input};
  if (format.takes == Takes::report) {
    // JSON that is not a valid report (truncated, a newer schema version) gets the
    // reader's precise error with file and line; anything else is named for what it is.
    if (!looks_like_json_object(text)) {
      return make_error(fmt::format("not a velo report (expected JSON with a schema_version; this looks like "
                                    "folded stacks), but --to {} converts reports", format.name), {args.input});
    }
    auto parsed = report::parse_report(text, args.input);
    if (!parsed) return parsed.error();
    return format.render({.report = &*parsed}, options);
  }
  if (kind_of(text) == Takes::report) {
    return make_error(fmt::format("a report, but --to {} converts folded stacks (report formats: {})", format.name,
                                  join(exporter::formats().names(exporter::offered_by_export, Takes::report), ", ")),
                      {args.input});
  }
  auto stacks = profiler::FoldedStacks::parse(text, args.input);
  if (!stacks) return stacks.error();
  return format.render({.folded = &*stacks}, options);
}

int run_export(const ExportArgs& args) {
  const exporter::Format* format = find_format(args.format);
  if (format == nullptr) {
    const auto names = exporter::formats().names(exporter::offered_by_export);
    auto hint = closest_match(args.format, names);
    return fail(make_error(fmt::format("unknown export format '{}'{}; formats: {}", args.format,
                                       hint ? fmt::format(" (did you mean '{}'?)", *hint) : "", join(names, ", "))));
  }
  if (args.hz < 1) return fail(make_error(fmt::format("--hz {} must be at least 1", args.hz)));
  auto text = read_text_file(args.input, "report or folded file");
  if (!text) return fail(text.error());
  auto bytes = convert(*format, *text, args);
  if (!bytes) return fail(bytes.error());
  const bool to_stdout = args.output.empty() || args.output == "-";
  if (to_stdout && format->binary && isatty(STDOUT_FILENO)) {
    return fail(make_error(fmt::format("{} output is binary: give -o FILE or redirect stdout", format->name)));
  }
  return print_output(*bytes, args.output);
}

}  // namespace

void add_export_command(CLI::App& app, Context& context) {
  std::string help = "Convert a profile (folded stacks) or a report into another tool's format:";
  for (const auto& format : exporter::formats().all()) {
    if (format.offered & exporter::offered_by_export) help += fmt::format("\n  {:<12} {}", format.name, format.doc);
  }
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

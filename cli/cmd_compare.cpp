// `velo compare BASE.json HEAD.json`: per case and metric, base and head medians with
// confidence intervals, the change, its p-value and a verdict. Never fails on a
// regression (that is `velo gate`); exit 2 on bad input.
#include <fmt/format.h>
#include <unistd.h>

#include "cli/commands.hpp"
#include "cli/compare_args.hpp"
#include "core/atomic_file.hpp"
#include "export/diff.hpp"
#include "export/html_report.hpp"

namespace velo::cli {

void add_compare_command(CLI::App& app, Context& context) {
  struct Args {
    CompareArgs compare;
    std::string format = "table";
    std::string sort = "report";
    std::string color = "auto";
    std::string html;  // --html FILE
  };
  auto args = std::make_shared<Args>();
  CLI::App* cmd = app.add_subcommand("compare", "Compare two reports case by case (Mann-Whitney U; paired runs: Wilcoxon signed-rank)");
  add_compare_args(*cmd, args->compare);
  cmd->add_option("--format", args->format, "Output format")
      ->check(CLI::IsMember({"table", "markdown", "csv", "json"}))
      ->capture_default_str();
  cmd->add_option("--sort", args->sort, "Row order: report order, or largest change first")
      ->check(CLI::IsMember({"report", "delta"}))
      ->capture_default_str();
  cmd->add_option("--color", args->color, "Colour verdicts")
      ->check(CLI::IsMember({"auto", "always", "never"}))
      ->capture_default_str();
  cmd->add_option("--html", args->html, "Also write the comparison as a self-contained HTML page with charts");
  cmd->callback([&context, args] {
    auto options = compare_options(args->compare);
    auto reports = options.ok() ? read_reports(args->compare) : Expected<std::pair<report::Report, report::Report>>(options.error());
    if (!reports.ok()) {
      print_error(reports.error().describe());
      context.exit_code = exit_code::bad_input;
      return;
    }
    if (auto known = check_metrics_exist(args->compare.metrics, reports->first, reports->second, "--metric");
        !known.ok()) {
      print_error(known.error().describe());
      context.exit_code = exit_code::bad_input;
      return;
    }
    const auto comparison = report::compare_reports(reports->first, reports->second, *options);
    const exporter::DiffOptions diff{
        .color = args->color == "always" ||
                 (args->color == "auto" && isatty(STDOUT_FILENO) && std::getenv("NO_COLOR") == nullptr),
        .sort_by_delta = args->sort == "delta"};
    if (args->format == "json") fmt::print("{}", exporter::diff_json(comparison));
    else if (args->format == "csv") fmt::print("{}", exporter::diff_csv(comparison));
    else if (args->format == "markdown") fmt::print("{}", exporter::diff_markdown(comparison, diff));
    else fmt::print("{}", exporter::diff_table(comparison, diff));
    if (!args->html.empty()) {
      const std::string page = exporter::compare_html(comparison, reports->first, reports->second);
      if (auto written = write_file_atomically(args->html, page); !written.ok()) {
        print_error(written.error().describe());
        context.exit_code = exit_code::bad_input;
      }
    }
  });
}

}  // namespace velo::cli

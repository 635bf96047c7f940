// `velo compare BASE.json HEAD.json`: per case and metric, base and head medians with
// confidence intervals, the change, its p-value and a verdict. Never fails on a
// regression (that is `velo gate`); exit 2 on bad input.
#include "app/compare.hpp"
#include "cli/commands.hpp"
#include "cli/compare_args.hpp"
#include "core/atomic_file.hpp"
#include "export/html_report.hpp"

namespace velo::cli {

void add_compare_command(CLI::App& app, Context& context) {
  struct Args {
    app::CompareRequest request;
    std::string format = "table";
    std::string sort = "report";
    std::string color = "auto";
    std::string html;  // --html FILE
  };
  auto args = std::make_shared<Args>();
  CLI::App* cmd = app.add_subcommand(
      "compare", "Compare two reports case by case (Mann-Whitney U; paired runs: Wilcoxon signed-rank)");
  add_compare_args(*cmd, args->request);
  add_format_option(*cmd, args->format, exporter::offered_by_compare);
  cmd->add_option("--sort", args->sort, "Row order: report order, or largest change first")
      ->check(CLI::IsMember({"report", "delta"}))
      ->capture_default_str();
  add_color_option(*cmd, args->color, "Colour verdicts");
  cmd->add_option("--html", args->html, "Also write the comparison as a self-contained HTML page with charts");
  cmd->callback([&context, args] {
    if (!args->html.empty()) {
      if (auto writable = check_writable(args->html); !writable.ok()) {
        context.exit_code = fail(writable.error());
        return;
      }
    }
    const auto outcome = app::compare(args->request);
    if (!outcome.ok()) {
      context.exit_code = fail(outcome.error());
      return;
    }
    const report::Comparison& comparison = outcome->comparison;
    const auto* format = exporter::formats().find(exporter::Takes::comparison, args->format);
    auto text = format->render({.comparison = &comparison},
                               {.color = use_color(args->color), .sort_by_delta = args->sort == "delta"});
    context.exit_code = text.ok() ? print_output(*text) : fail(text.error());
    if (!args->html.empty() && context.exit_code == exit_code::ok) {
      const auto& [base, head] = outcome->reports;
      context.exit_code = print_output(exporter::compare_html(comparison, base, head), args->html);
    }
  });
}

}  // namespace velo::cli

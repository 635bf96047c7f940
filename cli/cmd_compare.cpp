// `velo compare BASE.json HEAD.json`: per case and metric, base and head medians with
// confidence intervals, the change, its p-value and a verdict. Never fails on a
// regression (that is `velo gate`); exit 2 on bad input.
#include "app/compare.hpp"
#include "cli/commands.hpp"
#include "cli/compare_args.hpp"

namespace velo::cli {

void add_compare_command(CLI::App& app, Context& context) {
  struct Args {
    app::CompareRequest request;
    std::string format = "table";
    std::string sort = "report";
    std::string color = "auto";
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
  cmd->callback([&context, args] {
    const auto comparison = app::compare(args->request);
    if (!comparison.ok()) {
      context.exit_code = fail(comparison.error());
      return;
    }
    const auto* format = exporter::formats().find(exporter::Takes::comparison, args->format);
    auto text = format->render({.comparison = &*comparison},
                               {.color = use_color(args->color), .sort_by_delta = args->sort == "delta"});
    context.exit_code = text.ok() ? print_output(*text) : fail(text.error());
  });
}

}  // namespace velo::cli

// `velo flame FOLDED -o out.svg` and `velo flame --diff BEFORE AFTER -o diff.svg`:
// render folded stacks (docs/folded-format.md) as a self-contained SVG flame
// graph (lib/export/flamegraph_svg.hpp). Exit 2 on unreadable or malformed input.
#include <fmt/format.h>

#include <cstdio>

#include "cli/commands.hpp"
#include "core/atomic_file.hpp"
#include "export/flamegraph_svg.hpp"

namespace velo::cli {

namespace {

struct FlameArgs {
  std::string input;
  std::vector<std::string> diff;  // BEFORE AFTER
  std::string output;
  exporter::FlameOptions options;
  bool raw_counts = false;
};

Expected<profiler::FoldedStacks> load_folded(const std::string& path) {
  return profiler::FoldedStacks::read_file(path);
}

int run_flame(FlameArgs& args) {
  if (args.diff.empty() == args.input.empty()) {
    print_error("give either FOLDED or --diff BEFORE AFTER");
    return exit_code::bad_input;
  }
  if (args.options.width < 100) {
    print_error(fmt::format("--width {} is too narrow (at least 100 pixels)", args.options.width));
    return exit_code::bad_input;
  }
  std::string svg;
  if (args.diff.empty()) {
    auto stacks = load_folded(args.input);
    if (!stacks) {
      print_error(stacks.error().describe());
      return exit_code::bad_input;
    }
    svg = exporter::flamegraph_svg(*stacks, args.options);
  } else {
    auto before = load_folded(args.diff[0]);
    auto after = before ? load_folded(args.diff[1]) : before;
    for (const auto* loaded : {&before, &after}) {
      if (!*loaded) {
        print_error(loaded->error().describe());
        return exit_code::bad_input;
      }
    }
    args.options.diff_before = &*before;
    args.options.normalise = !args.raw_counts;
    if (args.options.title == exporter::FlameOptions{}.title) {
      args.options.title = fmt::format("Differential: {} vs {}", args.diff[1], args.diff[0]);
    }
    svg = exporter::flamegraph_svg(*after, args.options);
  }
  return print_output(svg, args.output);
}

}  // namespace

void add_flame_command(CLI::App& app, Context& context) {
  CLI::App* flame = app.add_subcommand("flame", "Render folded stacks as an SVG flame graph (or a differential one)");
  auto args = std::make_shared<FlameArgs>();
  flame->add_option("folded", args->input, "Folded stacks file (docs/folded-format.md)");
  flame->add_option("--diff", args->diff, "Differential graph: BEFORE AFTER (widths from AFTER; red grew, blue shrank)")
      ->expected(2);
  flame->add_option("-o,--output", args->output, "SVG file to write (default: stdout)");
  flame->add_option("--title", args->options.title, "Title at the top of the graph");
  flame->add_option("--width", args->options.width, "Width in pixels")->capture_default_str();
  flame->add_option("--min-width", args->options.min_width, "Omit frames narrower than this many pixels")
      ->capture_default_str();
  flame->add_flag("--icicle", args->options.icicle, "Draw top-down: root at the top");
  flame->add_flag("--raw-counts", args->raw_counts,
                  "With --diff: compare raw sample counts instead of scaling BEFORE to AFTER's total");
  flame->callback([&context, args] { context.exit_code = run_flame(*args); });
}

}  // namespace velo::cli

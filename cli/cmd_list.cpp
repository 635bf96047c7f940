// `velo list [FAMILY]`: the families, their variants and parameters with defaults,
// units and docs, and whether each variant can run on this host.
#include <fmt/format.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>

#include "cli/commands.hpp"
#include "cli/plugin_option.hpp"
#include "core/text.hpp"
#include "families/family.hpp"

namespace velo::cli {

namespace {

std::string describe_param(const ParamSpec& spec) {
  std::string type(to_string(spec.type));
  if (spec.type == ParamType::choice) type = join(spec.choices, "|");
  std::string range;
  if (spec.min || spec.max) {
    // Integers as integers ("1..256", not "1.00000..256.000"); sizes in binary units
    // ("8 B..4 KiB"), exact where they are a whole number of a unit.
    auto bound = [&](std::optional<double> v) {
      if (!v) return std::string();
      const bool whole = std::abs(*v) < 9e18 && *v == std::trunc(*v);
      if (spec.type == ParamType::bytes) {
        if (!whole) return format_bytes(*v);
        const auto n = static_cast<std::int64_t>(*v);
        for (auto [factor, unit] : {std::pair<std::int64_t, const char*>{1LL << 40, "TiB"}, {1LL << 30, "GiB"},
                                    {1LL << 20, "MiB"}, {1LL << 10, "KiB"}}) {
          if (n != 0 && n % factor == 0) return fmt::format("{} {}", n / factor, unit);
        }
        return fmt::format("{} B", n);
      }
      if (spec.type == ParamType::integer && whole) return fmt::format("{}", static_cast<std::int64_t>(*v));
      return format_significant(*v, 6);
    };
    range = fmt::format("  [{}..{}]", bound(spec.min), bound(spec.max));
  }
  return fmt::format("{:<16} {:<10} default {:<8}{}  {}{}", spec.name, type,
                     format_param(spec.default_value, spec.type), spec.unit.empty() ? "" : " " + spec.unit,
                     spec.doc, range);
}

// Lines longer than the terminal (when stdout is one) wrap at a space, continuing
// under `indent` spaces; elsewhere (pipes, files, tests) lines are left whole.
std::size_t terminal_columns() {
  winsize size{};
  if (!isatty(STDOUT_FILENO) || ::ioctl(STDOUT_FILENO, TIOCGWINSZ, &size) != 0) return 0;
  return size.ws_col;
}

void print_line(std::string line, std::size_t indent = 8) {
  static const std::size_t columns = terminal_columns();
  while (columns >= 40 && line.size() > columns) {
    std::size_t cut = line.rfind(' ', columns);
    if (cut == std::string::npos || cut <= indent) cut = line.find(' ', columns);  // one long word: overflow
    if (cut == std::string::npos) break;
    const std::size_t rest = line.find_first_not_of(' ', cut);
    if (rest == std::string::npos) break;
    fmt::print("{}\n", line.substr(0, cut));
    line = std::string(indent, ' ') + line.substr(rest);
  }
  fmt::print("{}\n", line);
}

void print_family(const Family& family, bool full) {
  print_line(fmt::format("{}  {}", family.name, family.doc), 4);
  if (!full) {
    std::vector<std::string> names;
    for (const auto& impl : family.impls) names.push_back(impl.name);
    print_line(fmt::format("    variants: {}", join(names, ", ")), 14);
    return;
  }
  fmt::print("  one op: {}\n", family.op);
  fmt::print("  parameters (every variant):\n");
  for (const auto& spec : family.params) print_line(fmt::format("    {}", describe_param(spec)), 21);
  fmt::print("  variants:\n");
  std::size_t width = 0;
  for (const auto& impl : family.impls) width = std::max(width, impl.name.size());
  for (const auto& impl : family.impls) {
    std::optional<std::string> why_not = impl.host_unsupported ? impl.host_unsupported() : std::nullopt;
    print_line(fmt::format("    {:<{}}  {}", impl.name, width, impl.doc), 6 + width);
    if (why_not) print_line(fmt::format("    {:<{}}  (cannot run here: {})", "", width, *why_not), 6 + width);
    for (const auto& spec : impl.params) print_line(fmt::format("    {:<{}}    {}", "", width, describe_param(spec)), 8 + width);
  }
  fmt::print("  metrics (besides ns_per_op, ops_per_s, cpu_ns_per_op and context switches):\n");
  if (family.metrics.empty()) fmt::print("    none\n");
  for (const auto& metric : family.metrics) {
    print_line(fmt::format("    {:<28} {:<8} {} is better  {}", metric.name, metric.unit, to_string(metric.better),
                           metric.doc), 33);
  }
}

}  // namespace

void add_list_command(CLI::App& app, Context& context) {
  CLI::App* list = app.add_subcommand("list", "List workload families, variants and parameters");
  auto name = std::make_shared<std::string>();
  list->add_option("family", *name, "Show one family in full");
  auto plugins = std::make_shared<std::vector<std::string>>();
  add_plugin_option(list, *plugins);
  list->callback([&context, name, plugins] {
    if (!load_plugin_options(*plugins)) {
      context.exit_code = exit_code::bad_input;
      return;
    }
    if (name->empty()) {
      for (const auto& family : registry().families()) print_family(family, false);
      fmt::print("\n'velo list FAMILY' shows parameters, defaults, units and host support.\n");
      return;
    }
    const Family* family = registry().find(*name);
    if (!family) {
      std::vector<std::string> known;
      for (const auto& f : registry().families()) known.push_back(f.name);
      auto hint = closest_match(*name, known);
      print_error(fmt::format("unknown family '{}'{}; known families: {}", *name,
                              hint ? fmt::format(" (did you mean '{}'?)", *hint) : "", join(known, ", ")));
      context.exit_code = exit_code::bad_input;
      return;
    }
    print_family(*family, true);
  });
}

}  // namespace velo::cli

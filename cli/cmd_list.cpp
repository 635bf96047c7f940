// `velo list [FAMILY]`: the families, their variants and parameters with defaults,
// units and docs, and whether each variant can run on this host.
#include <fmt/format.h>

#include <algorithm>

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
    auto bound = [&](std::optional<double> v) {
      if (!v) return std::string();
      if (spec.type == ParamType::bytes) return format_param(static_cast<std::int64_t>(*v), ParamType::bytes);
      return format_significant(*v, 6);
    };
    range = fmt::format("  [{}..{}]", bound(spec.min), bound(spec.max));
  }
  return fmt::format("{:<16} {:<10} default {:<8}{}  {}{}", spec.name, type,
                     format_param(spec.default_value, spec.type), spec.unit.empty() ? "" : " " + spec.unit,
                     spec.doc, range);
}

void print_family(const Family& family, bool full) {
  fmt::print("{}  {}\n", family.name, family.doc);
  if (!full) {
    std::vector<std::string> names;
    for (const auto& impl : family.impls) names.push_back(impl.name);
    fmt::print("    variants: {}\n", join(names, ", "));
    return;
  }
  fmt::print("  one op: {}\n", family.op);
  fmt::print("  parameters (every variant):\n");
  for (const auto& spec : family.params) fmt::print("    {}\n", describe_param(spec));
  fmt::print("  variants:\n");
  std::size_t width = 0;
  for (const auto& impl : family.impls) width = std::max(width, impl.name.size());
  for (const auto& impl : family.impls) {
    std::optional<std::string> why_not = impl.host_unsupported ? impl.host_unsupported() : std::nullopt;
    fmt::print("    {:<{}}  {}{}\n", impl.name, width, impl.doc,
               why_not ? fmt::format("\n    {:<{}}  (cannot run here: {})", "", width, *why_not) : "");
    for (const auto& spec : impl.params) fmt::print("    {:<{}}    {}\n", "", width, describe_param(spec));
  }
  fmt::print("  metrics (besides ns_per_op, ops_per_s, cpu_ns_per_op and context switches):\n");
  if (family.metrics.empty()) fmt::print("    none\n");
  for (const auto& metric : family.metrics) {
    fmt::print("    {:<28} {:<8} {} is better  {}\n", metric.name, metric.unit, to_string(metric.better),
               metric.doc);
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

// `velo gate BASE.json HEAD.json`: the CI performance gate. Exit 0 pass, 1 a
// regression (or a case that broke), 2 bad input. lib/app/gate.hpp does the work;
// report/gate.hpp has the rules and docs/gate.md how to wire it into CI.
#include <fmt/format.h>

#include "app/gate.hpp"
#include "cli/commands.hpp"
#include "cli/compare_args.hpp"
#include "cli/history_gate.hpp"
#include "cli/plugin_option.hpp"
#include "core/atomic_file.hpp"
#include "export/html_report.hpp"
#include "families/family.hpp"

namespace velo::cli {

namespace {

struct GateArgs {
  app::GateRequest request;
  std::string summary;
  std::string html;  // --html FILE
  std::string format = "text";
  HistoryGateArgs history;  // --history DB: judge HEAD against a history instead of BASE
  std::vector<std::string> plugins;  // --plugin: for --confirm, the plugins HEAD was measured with
};

int gate(const GateArgs& args) {
  for (const std::string* output : {&args.summary, &args.html}) {
    if (output->empty()) continue;
    if (auto writable = check_writable(*output); !writable.ok()) return fail(writable.error());
  }
  if (!args.plugins.empty() && args.request.confirm.empty()) {
    return fail(make_error("gate: --plugin is for re-measuring with --confirm; without it nothing is measured"));
  }
  if (!load_plugin_options(args.plugins)) return exit_code::bad_input;
  auto outcome = app::gate(registry(), args.request);
  if (!outcome.ok()) return fail(outcome.error());
  for (const auto& warning : outcome->warnings) print_warning(warning);
  const report::GateResult& result = outcome->result;
  if (!args.summary.empty()) {
    const auto* markdown = exporter::formats().find(exporter::Takes::gate, "markdown");
    auto text = markdown->render({.gate = &result}, {});
    if (!text.ok()) return fail(text.error());
    if (auto written = write_file_atomically(args.summary, *text); !written.ok()) return fail(written.error());
  }
  if (!args.html.empty()) {
    const auto& [base, head] = outcome->reports;
    const std::string page = exporter::gate_html(result, outcome->policy, base, head);
    if (auto written = write_file_atomically(args.html, page); !written.ok()) return fail(written.error());
  }
  const auto* format = exporter::formats().find(exporter::Takes::gate, args.format);
  auto text = format->render({.gate = &result}, {.color = use_color("auto")});
  if (!text.ok()) return fail(text.error());
  if (const int printed = print_output(*text); printed != exit_code::ok) return printed;
  return app::exit_code_of(result);
}

}  // namespace

void add_gate_command(CLI::App& app, Context& context) {
  auto args = std::make_shared<GateArgs>();
  CLI::App* cmd = app.add_subcommand("gate", "Fail (exit 1) if HEAD regressed against BASE beyond the thresholds");
  add_compare_args(*cmd, args->request.compare);
  cmd->add_option("--max-regression", args->request.max_regression, "Global threshold, e.g. 5% (default 5%)");
  cmd->add_option("--gate-file", args->request.gate_file, "TOML file with per-metric and per-case thresholds");
  cmd->add_option("--summary", args->summary, "Write a Markdown summary here (CI step summary, PR comment)");
  cmd->add_option("--html", args->html, "Write the verdict and comparison as a self-contained HTML page with charts");
  cmd->add_option("--confirm", args->request.confirm,
                  "Scenario files: re-measure suspected regressions, as HEAD's run was measured, and keep only "
                  "those the rerun confirms")
      ->expected(1, -1);
  add_plugin_option(cmd, args->plugins);
  cmd->get_option("--plugin")->description(
      "With --confirm: load a plugin HEAD was measured with (repeatable), so its cases can be re-measured "
      "(docs/plugins.md)");
  cmd->add_option("--confirm-with", args->request.confirm_with,
                  "BASE2.json HEAD2.json from a second, interleaved round: keep a finding only if it shows there too")
      ->expected(2);
  add_format_option(*cmd, args->format, exporter::offered_by_gate);
  cmd->add_flag("-q,--quiet", args->request.quiet, "No progress while confirming");
  // --history DB HEAD.json: the one report given is HEAD (cli/history_gate.hpp).
  cmd->get_option("head")->required(false);
  cmd->add_option("--history", args->history.db,
                  "History database: judge HEAD.json (the only report given) against the recent history of "
                  "--branch instead of a BASE report (docs/history.md)");
  cmd->add_option("--branch", args->history.branch, "With --history: the base branch (default: every branch)");
  cmd->add_option("--window", args->history.window, "With --history: how many recent commits to judge against")
      ->capture_default_str();
  cmd->add_option("--sigmas", args->history.sigmas, "With --history: spreads beyond the history's centre to flag")
      ->capture_default_str();
  cmd->add_flag("--no-range", args->history.no_range,
                "With --history: flag beyond --sigmas spreads alone, without also requiring HEAD to be outside "
                "every recent point");
  cmd->callback([&context, args, cmd] {
    const app::CompareRequest& compare = args->request.compare;
    if (!args->history.db.empty()) {
      if (!compare.head.empty()) {
        context.exit_code = fail(make_error("--history takes one report, HEAD.json, instead of BASE.json HEAD.json"));
        return;
      }
      // Options of the two-report gate that --history has no use for are refused, not ignored.
      for (const char* name : {"--gate-file", "--html", "--confirm", "--confirm-with", "--plugin", "--alpha",
                               "--min-change", "--count-threshold", "--correction", "--unpaired", "--allow-missing"}) {
        const CLI::Option* option = cmd->get_option_no_throw(name);
        if (option != nullptr && option->count() > 0) {
          context.exit_code = fail(make_error(fmt::format("{} cannot be combined with --history", name)));
          return;
        }
      }
      args->history.format = args->format;
      args->history.summary = args->summary;
      args->history.head = compare.base;
      args->history.max_regression = args->request.max_regression;
      args->history.filter = compare.filter;
      args->history.metrics = compare.metrics;
      context.exit_code = history_gate(args->history);
      return;
    }
    if (compare.head.empty()) {
      context.exit_code = fail(make_error("gate: expected BASE.json HEAD.json (or --history DB HEAD.json)"));
      return;
    }
    context.exit_code = gate(*args);
  });
}

}  // namespace velo::cli

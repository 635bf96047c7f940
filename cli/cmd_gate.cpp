// `velo gate BASE.json HEAD.json`: the CI performance gate. Exit 0 pass, 1 a
// regression (or a case that broke), 2 bad input. See report/gate.hpp for the rules
// and docs/gate.md for how to wire it into CI.
#include <fmt/format.h>
#include <unistd.h>

#include <set>

#include "cli/commands.hpp"
#include "cli/compare_args.hpp"
#include "core/atomic_file.hpp"
#include "export/diff.hpp"
#include "export/html_report.hpp"
#include "report/gate.hpp"
#include "runner/session.hpp"
#include "scenario/scenario.hpp"

namespace velo::cli {

namespace {

struct GateArgs {
  CompareArgs compare;
  std::string max_regression;
  std::string gate_file;
  std::string summary;
  std::string html;  // --html FILE
  std::vector<std::string> confirm;
  std::vector<std::string> confirm_with;  // BASE2.json HEAD2.json: a second round
  std::string format = "text";
  bool quiet = false;
};

// Re-measures the suspected cases from the scenario files, with the overrides HEAD
// was run with, and returns the fresh report.
Expected<report::Report> rerun(const std::vector<std::string>& ids, const std::vector<std::string>& paths,
                               const report::Report& head, bool quiet) {
  auto scenarios = load_scenarios(paths, registry());
  if (!scenarios.ok()) return scenarios.error();
  Overrides overrides;
  const auto& settings = head.settings;
  if (settings.contains("param_overrides")) overrides.params = settings["param_overrides"].get<std::vector<std::string>>();
  if (settings.contains("repetitions")) overrides.repetitions = settings["repetitions"].get<int>();
  if (settings.contains("forks")) overrides.forks = settings["forks"].get<int>();
  if (settings.contains("pin_threads")) overrides.pin_threads = settings["pin_threads"].get<bool>();
  if (settings.contains("min_time_s")) overrides.min_time_s = settings["min_time_s"].get<double>();
  if (settings.contains("warmup_s")) overrides.warmup_s = settings["warmup_s"].get<double>();
  auto cases = expand_cases(*scenarios, overrides, registry());
  if (!cases.ok()) return cases.error();
  const std::set<std::string> wanted(ids.begin(), ids.end());
  std::vector<Case> selected;
  for (Case& c : *cases) {
    if (wanted.count(c.id)) selected.push_back(std::move(c));
  }
  if (selected.size() != wanted.size()) {
    return make_error(fmt::format("--confirm: the scenario files define {} of the {} suspected cases; pass the "
                                  "scenario files HEAD was run from", selected.size(), wanted.size()));
  }
  SessionOptions options;
  options.quiet = quiet;
  options.settings = settings;
  return run_session(selected, {}, options).report;
}

int gate(const GateArgs& args) {
  auto fail = [](const Error& error) {
    print_error(error.describe());
    return exit_code::bad_input;
  };
  auto options = compare_options(args.compare);
  if (!options.ok()) return fail(options.error());
  report::GatePolicy policy;
  policy.compare = *options;
  policy.metrics = args.compare.metrics;
  policy.compare.metrics.clear();  // compare everything; gate the chosen metrics
  if (!args.max_regression.empty()) {
    auto limit = report::parse_percent(args.max_regression);
    if (!limit) return fail(make_error(fmt::format("--max-regression: expected a percentage such as 5%, got '{}'",
                                                   args.max_regression)));
    policy.cli_max_regression = *limit;
  }
  if (!args.gate_file.empty()) {
    if (auto loaded = report::load_gate_file(args.gate_file, policy); !loaded.ok()) return fail(loaded.error());
  }
  auto reports = read_reports(args.compare);
  if (!reports.ok()) return fail(reports.error());
  const auto& [base, head] = *reports;
  if (auto known = check_metrics_exist(policy.metrics, base, head, "gated metrics (--metric, the gate file's metrics)");
      !known.ok()) {
    return fail(known.error());
  }
  for (const auto& scenario : base.scenarios) {
    if (auto added = report::add_scenario_gate(scenario.name, scenario.gate, policy); !added.ok()) {
      return fail(added.error());
    }
  }

  report::GateResult result = report::evaluate_gate(base, head, policy);
  if (!args.confirm_with.empty()) {
    CompareArgs second = args.compare;
    second.base = args.confirm_with[0];
    second.head = args.confirm_with[1];
    auto round = read_reports(second);
    if (!round.ok()) return fail(round.error());
    result = report::confirm(std::move(result), report::evaluate_gate(round->first, round->second, policy),
                             /*improvements_too=*/true);
  }
  if (!args.confirm.empty() && !result.passed()) {
    const auto ids = report::suspects(result);
    if (!args.quiet) fmt::print(stderr, "velo gate: re-measuring {} suspected case(s) to confirm\n", ids.size());
    auto fresh = rerun(ids, args.confirm, head, args.quiet);
    if (!fresh.ok()) return fail(fresh.error());
    result = report::confirm(std::move(result), report::evaluate_gate(base, *fresh, policy));
  }

  if (!args.summary.empty()) {
    if (auto written = write_file_atomically(args.summary, exporter::gate_markdown(result)); !written.ok()) {
      return fail(written.error());
    }
  }
  if (!args.html.empty()) {
    if (auto written = write_file_atomically(args.html, exporter::gate_html(result, policy, base, head)); !written.ok()) {
      return fail(written.error());
    }
  }
  const bool color = isatty(STDOUT_FILENO) && std::getenv("NO_COLOR") == nullptr;
  if (args.format == "markdown") fmt::print("{}", exporter::gate_markdown(result));
  else if (args.format == "json") fmt::print("{}", exporter::gate_json(result));
  else fmt::print("{}", exporter::gate_text(result, color));
  return result.passed() ? exit_code::ok : exit_code::failed;
}

}  // namespace

void add_gate_command(CLI::App& app, Context& context) {
  auto args = std::make_shared<GateArgs>();
  CLI::App* cmd = app.add_subcommand("gate", "Fail (exit 1) if HEAD regressed against BASE beyond the thresholds");
  add_compare_args(*cmd, args->compare);
  cmd->add_option("--max-regression", args->max_regression, "Global threshold, e.g. 5% (default 5%)");
  cmd->add_option("--gate-file", args->gate_file, "TOML file with per-metric and per-case thresholds");
  cmd->add_option("--summary", args->summary, "Write a Markdown summary here (CI step summary, PR comment)");
  cmd->add_option("--html", args->html, "Write the verdict and comparison as a self-contained HTML page with charts");
  cmd->add_option("--confirm", args->confirm,
                  "Scenario files: re-measure suspected regressions and keep only those the rerun confirms")
      ->expected(1, -1);
  cmd->add_option("--confirm-with", args->confirm_with,
                  "BASE2.json HEAD2.json from a second, interleaved round: keep a finding only if it shows there too")
      ->expected(2);
  cmd->add_option("--format", args->format, "What to print on stdout")
      ->check(CLI::IsMember({"text", "markdown", "json"}))
      ->capture_default_str();
  cmd->add_flag("-q,--quiet", args->quiet, "No progress while confirming");
  cmd->callback([&context, args] { context.exit_code = gate(*args); });
}

}  // namespace velo::cli

// `velo run [SCENARIO_FILE_OR_DIR ...]`: expand scenarios into cases, measure them,
// write the report and print comparison tables.
#include <fmt/format.h>
#include <unistd.h>

#include "cli/commands.hpp"
#include "core/atomic_file.hpp"
#include "core/pattern.hpp"
#include "core/text.hpp"
#include "export/exporters.hpp"
#include "export/html_report.hpp"
#include "export/table_summary.hpp"
#include "runner/profile_request.hpp"
#include "runner/session.hpp"
#include "scenario/scenario.hpp"

namespace velo::cli {

namespace {

struct RunArgs {
  std::vector<std::string> paths;
  std::string out = "velo-report.json";
  std::string filter;
  std::optional<int> repetitions;
  std::optional<int> forks;
  std::optional<std::string> min_time, warmup, timeout;  // given as '' is an error, not unset
  std::vector<std::string> params;
  std::string format = "table";
  std::string color = "auto";
  bool quiet = false;
  bool no_isolate = false;
  bool pin_threads = false;
  bool details = false;  // --details: layouts under every table
  // Profiling (runner/profile_request.hpp has the precedence rules).
  std::string profile_mode;  // --profile[=cpu|wall]; empty: not given
  std::optional<int> profile_hz;
  bool profile_thread_root = false;
  bool no_profile = false;
  std::string profile_dir = "velo-profiles";
  std::string baseline_velo;  // --baseline-velo: measure with that build too, interleaved
  std::string baseline_out = "velo-baseline.json";
  std::string html;  // --html FILE: also write the HTML report (export/html_report.hpp)
};

ProfileOverrides profile_overrides(const RunArgs& args) {
  ProfileOverrides overrides;
  overrides.enable = !args.profile_mode.empty() || args.profile_hz || args.profile_thread_root;
  overrides.disable = args.no_profile;
  if (!args.profile_mode.empty()) overrides.mode = parse_profile_mode(args.profile_mode);
  overrides.hz = args.profile_hz;
  if (args.profile_thread_root) overrides.thread_root = true;
  return overrides;
}

// "--min-time 50ms" -> seconds, or an error naming the option.
Expected<std::optional<double>> duration_option(const std::optional<std::string>& text, std::string_view option) {
  if (!text) return std::optional<double>{};
  auto seconds = read_duration(*text, /*zero_allowed=*/false);
  if (!seconds.ok()) return make_error(fmt::format("{}: {}", option, seconds.error().message));
  return std::optional<double>{*seconds};
}

std::string render(const report::Report& report, const std::string& format, bool color, bool details) {
  if (format == "json") return report::to_json_text(report);
  if (format == "markdown") return exporter::comparison_markdown(report);
  if (format == "csv") return exporter::cases_csv(report);
  const exporter::TableOptions options{.color = color, .details = details};
  const std::string summary = exporter::comparison_summary(report, options);
  return exporter::comparison_table(report, options) + (summary.empty() ? "" : "\n" + summary);
}

int run(const RunArgs& args) {
  Overrides overrides;
  overrides.params = args.params;
  overrides.repetitions = args.repetitions;
  overrides.forks = args.forks;
  overrides.pin_threads = args.pin_threads;
  for (auto [text, option, target] : {std::tuple{&args.min_time, "--min-time", &overrides.min_time_s},
                                      std::tuple{&args.warmup, "--warmup", &overrides.warmup_s},
                                      std::tuple{&args.timeout, "--timeout", &overrides.timeout_s}}) {
    auto seconds = duration_option(*text, option);
    if (!seconds.ok()) {
      print_error(seconds.error().describe());
      return exit_code::bad_input;
    }
    *target = *seconds;
  }
  std::optional<Pattern> filter;
  if (!args.filter.empty()) {
    auto compiled = Pattern::compile(args.filter, "--filter");
    if (!compiled.ok()) {
      print_error(compiled.error().describe());
      return exit_code::bad_input;
    }
    filter = std::move(*compiled);
  }

  auto scenarios = args.paths.empty() ? load_builtin_quick_suite(registry()) : load_scenarios(args.paths, registry());
  if (!scenarios.ok()) {
    print_error(scenarios.error().describe());
    return exit_code::bad_input;
  }
  auto expanded = expand_cases(*scenarios, overrides, registry());
  if (!expanded.ok()) {
    print_error(expanded.error().describe());
    return exit_code::bad_input;
  }
  std::vector<Case> cases;
  for (Case& c : *expanded) {
    if (!filter || filter->search(c.id)) cases.push_back(std::move(c));
  }
  if (cases.empty()) {
    print_error(fmt::format("--filter '{}' matches none of the {} cases", args.filter, expanded->size()));
    return exit_code::bad_input;
  }

  std::vector<report::ScenarioRecord> records;
  for (const Scenario& s : *scenarios) {
    records.push_back({.path = s.path, .name = s.name, .family = s.family, .content_hash = content_hash(s.content),
                       .gate = s.gate});
  }
  SessionOptions options;
  options.isolate = !args.no_isolate;
  options.quiet = args.quiet;
  options.settings = {{"filter", args.filter}, {"param_overrides", args.params}};
  if (args.repetitions) options.settings["repetitions"] = *args.repetitions;
  if (args.forks) options.settings["forks"] = *args.forks;
  if (args.pin_threads) options.settings["pin_threads"] = true;
  if (overrides.min_time_s) options.settings["min_time_s"] = *overrides.min_time_s;
  if (overrides.warmup_s) options.settings["warmup_s"] = *overrides.warmup_s;
  if (overrides.timeout_s) options.settings["timeout_s"] = *overrides.timeout_s;
  const ProfileOverrides profiling = profile_overrides(args);
  for (const Scenario& s : *scenarios) {
    if (auto profile = resolve_profile(s.profile, profiling)) options.profiles[s.name] = *profile;
  }
  if (!options.profiles.empty()) {
    options.profile_dir = args.profile_dir;
    nlohmann::json profiled = nlohmann::json::object();
    for (const auto& [name, profile] : options.profiles) profiled[name] = profile_request_to_json(profile);
    options.settings["profile"] = {{"dir", args.profile_dir}, {"scenarios", std::move(profiled)}};
  }
  std::optional<report::Provenance> baseline_build;
  if (!args.baseline_velo.empty()) {
    // Both builds' workers are needed, and profiling both sides into one directory
    // would mix their stacks: profile in a separate pass.
    const char* conflict = args.no_isolate ? "--no-isolate" : !options.profiles.empty() ? "profiling" : nullptr;
    if (conflict) {
      print_error(fmt::format("--baseline-velo cannot be combined with {}", conflict));
      return exit_code::bad_input;
    }
    auto build = build_provenance(args.baseline_velo);
    if (!build.ok()) {
      print_error(build.error().describe());
      return exit_code::bad_input;
    }
    baseline_build = *build;
    options.baseline_executable = args.baseline_velo;
    options.settings["baseline_velo"] = args.baseline_velo;
  }
  SessionResult session = run_session(cases, std::move(records), options);
  if (session.baseline) {
    session.baseline->provenance.velo_version = baseline_build->velo_version;
    session.baseline->provenance.velo_commit = baseline_build->velo_commit;
    // The directory's git state describes this build's checkout, not the other's.
    session.baseline->provenance.git_commit.reset();
    session.baseline->provenance.git_dirty.reset();
    const std::string text = report::to_json_text(*session.baseline);
    if (auto written = write_file_atomically(args.baseline_out, text); !written.ok()) {
      print_error(written.error().describe());
      return exit_code::bad_input;
    }
    if (!args.quiet) fmt::print(stderr, "baseline report written to {}\n", args.baseline_out);
  }

  // The report is written even when interrupted (marked incomplete), never half-written.
  if (auto written = write_file_atomically(args.out, report::to_json_text(session.report)); !written.ok()) {
    print_error(written.error().describe());
    return exit_code::bad_input;
  }
  const bool color = args.color == "always" ||
                     (args.color == "auto" && isatty(STDOUT_FILENO) && std::getenv("NO_COLOR") == nullptr);
  fmt::print("{}", render(session.report, args.format, color, args.details));
  std::fflush(stdout);
  if (!args.quiet) fmt::print(stderr, "report written to {}\n", args.out);
  // The HTML page (the same report, drawn) after the table, so a bad --html path loses nothing.
  bool html_failed = false;
  if (!args.html.empty()) {
    exporter::HtmlOptions html;
    exporter::add_flamegraphs(session.report, html);
    const exporter::NamedReport named{.source = args.out, .report = &session.report};
    if (auto written = write_file_atomically(args.html, exporter::run_html(std::span<const exporter::NamedReport>(&named, 1), html)); !written.ok()) {
      print_error(written.error().describe());
      html_failed = true;
    } else if (!args.quiet) {
      fmt::print(stderr, "HTML report written to {}\n", args.html);
    }
  }
  for (const auto& error : session.profile_errors) print_error(error);
  if (session.profiled_cases > 0 && !args.quiet) {
    fmt::print(stderr, "profiles written to {} ({} cases); render with: velo flame {}/merged.folded -o flame.svg\n",
               args.profile_dir, session.profiled_cases, args.profile_dir);
  }
  if (session.interrupted) {
    fmt::print(stderr, "velo: interrupted: {} of {} cases finished; the report is marked incomplete\n",
               session.finished_cases, cases.size());
    if (!session.partial_cases.empty()) {
      fmt::print(stderr, "velo: {} case(s) hold only some of their forks and are marked partial: {}\n",
                 session.partial_cases.size(), join(session.partial_cases, ", "));
    }
    return exit_code::interrupted;
  }
  if (!session.profile_errors.empty() || html_failed) return exit_code::bad_input;
  return session.any_failed ? exit_code::failed : exit_code::ok;
}

}  // namespace

void add_run_command(CLI::App& app, Context& context) {
  auto args = std::make_shared<RunArgs>();
  CLI::App* cmd = app.add_subcommand(
      "run", "Measure every case of the given scenario files (default: the built-in quick suite)");
  cmd->add_option("scenarios", args->paths, "Scenario files or directories (none: the built-in quick suite)");
  cmd->add_option("-o,--out", args->out, "Where to write the JSON report")->capture_default_str();
  cmd->add_option("--filter", args->filter, "Only cases whose id matches this regular expression (RE2 syntax)");
  cmd->add_option("--repetitions", args->repetitions, "Repetitions per case (overrides [run])")
      ->check(CLI::Range(1, kMaxRepetitions));
  cmd->add_option("--forks", args->forks,
                  "Spread each case's repetitions over up to N worker processes, measured in rounds across "
                  "all cases (overrides [run]; see docs/gate.md)")
      ->check(CLI::Range(1, kMaxRepetitions));
  cmd->add_flag("--pin-threads", args->pin_threads,
               "Pin each thread of a case to its own CPU, round-robin over the allowed CPUs; the CPUs used "
               "are in the report (overrides [run] pin_threads)");
  cmd->add_option("--min-time", args->min_time, "Minimum measured time per repetition, e.g. 50ms, 0.2s");
  cmd->add_option("--warmup", args->warmup, "Warm-up time before the first repetition, e.g. 20ms");
  cmd->add_option("--timeout", args->timeout, "Per-case timeout, e.g. 60s (needs isolation)");
  cmd->add_option("--param", args->params, "KEY=VALUE: set a parameter everywhere it applies (repeatable)")
      ->type_name("KEY=VALUE");
  cmd->add_option("--format", args->format, "What to print on stdout")
      ->check(CLI::IsMember({"table", "markdown", "csv", "json"}))
      ->capture_default_str();
  cmd->add_option("--color", args->color, "Colour the table")
      ->check(CLI::IsMember({"auto", "always", "never"}))
      ->capture_default_str();
  cmd->add_option("--html", args->html, "Also write a self-contained HTML report with charts here (docs/reports.md)");
  cmd->add_flag("--details", args->details,
                "Print per-case details (struct layouts) under every table, not only the first, and long reasons in full");
  cmd->add_flag("-q,--quiet", args->quiet, "No progress on stderr");
  cmd->add_flag("--no-isolate", args->no_isolate,
                "Run cases in this process (debugging; no timeouts, no per-case peak RSS)");
  auto* profile = cmd->add_flag("--profile{cpu}", args->profile_mode,
                                "Sample every thread of each case while it is measured: cpu (default) or wall "
                                "(--profile=wall: blocked threads too); see docs/profiling.md")
                      ->check(CLI::IsMember({"cpu", "wall"}));
  auto* hz = cmd->add_option("--profile-hz", args->profile_hz, "Samples per second per thread (implies --profile; "
                                                                "default 99, or the scenario's [profile] hz)")
                 ->check(CLI::Range(1, 10000));
  auto* thread_root = cmd->add_flag("--profile-thread-root", args->profile_thread_root,
                                    "Put each thread's name as the root frame of its stacks (implies --profile)");
  cmd->add_option("--profile-dir", args->profile_dir, "Where the folded stacks of a profiled run go")
      ->capture_default_str();
  cmd->add_option("--baseline-velo", args->baseline_velo,
                  "Another velo build (e.g. the base commit's): measure every fork with it too, interleaved with "
                  "this build, and write its report to --baseline-out (see docs/gate.md)");
  cmd->add_option("--baseline-out", args->baseline_out, "Where --baseline-velo's report goes")->capture_default_str();
  cmd->add_flag("--no-profile", args->no_profile, "Profile nothing, whatever the scenarios' [profile] tables say")
      ->excludes(profile)
      ->excludes(hz)
      ->excludes(thread_root);
  cmd->callback([&context, args] { context.exit_code = run(*args); });
}

}  // namespace velo::cli

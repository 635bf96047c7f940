// `velo run [SCENARIO_FILE_OR_DIR ...]`: expand scenarios into cases, measure them,
// write the report and print comparison tables.
#include <fmt/format.h>

#include "app/run.hpp"
#include "cli/commands.hpp"
#include "cli/plugin_option.hpp"
#include "core/atomic_file.hpp"
#include "export/html_report.hpp"
#include "core/text.hpp"
#include "scenario/scenario.hpp"

namespace velo::cli {

namespace {

struct RunArgs {
  app::RunInput input;
  std::optional<std::string> min_time, warmup, timeout;  // given as '' is an error, not unset
  std::string format = "table";
  std::string color = "auto";
  bool no_isolate = false;
  // Profiling (runner/profile_request.hpp has the precedence rules).
  std::string profile_mode;  // --profile[=cpu|wall]; empty: not given
  std::optional<int> profile_hz;
  bool profile_thread_root = false;
  bool no_profile = false;
  std::string baseline_velo;
  bool details = false;  // --details: layouts under every table, reasons in full
  std::string html;      // --html FILE: also the HTML report (export/html_report.hpp)
  std::string measure;   // --measure time|instructions|counters; empty: the scenarios' [run]
};

// "--min-time 50ms" -> seconds, or an error naming the option.
Expected<std::optional<double>> duration_option(const std::optional<std::string>& text, std::string_view option) {
  if (!text) return std::optional<double>{};
  auto seconds = read_duration(*text, /*zero_allowed=*/false);
  if (!seconds.ok()) return make_error(fmt::format("{}: {}", option, seconds.error().message));
  return std::optional<double>{*seconds};
}

// The options as a request for app::run.
Expected<app::RunInput> run_input(const RunArgs& args) {
  app::RunInput input = args.input;
  report::RunRequest& request = input.request;
  request.isolate = !args.no_isolate;
  if (!args.baseline_velo.empty()) request.baseline_velo = args.baseline_velo;
  if (!args.measure.empty()) request.measure = parse_measure_mode(args.measure);
  for (auto [text, option, target] : {std::tuple{&args.min_time, "--min-time", &request.min_time_s},
                                      std::tuple{&args.warmup, "--warmup", &request.warmup_s},
                                      std::tuple{&args.timeout, "--timeout", &request.timeout_s}}) {
    auto seconds = duration_option(*text, option);
    if (!seconds.ok()) return seconds.error();
    *target = *seconds;
  }
  ProfileOverrides& profiling = input.profiling;
  profiling.enable = !args.profile_mode.empty() || args.profile_hz || args.profile_thread_root;
  profiling.disable = args.no_profile;
  if (!args.profile_mode.empty()) profiling.mode = parse_profile_mode(args.profile_mode);
  profiling.hz = args.profile_hz;
  if (args.profile_thread_root) profiling.thread_root = true;
  return input;
}

int run(const RunArgs& args) {
  auto input = run_input(args);
  if (!input.ok()) return fail(input.error());
  if (!load_plugin_options(input->plugins)) return exit_code::bad_input;
  if (!args.html.empty()) {
    if (auto writable = check_writable(args.html); !writable.ok()) return fail(writable.error());
  }
  // The stdout format is known before measuring, so a typo cannot cost a run.
  const auto* format = exporter::formats().find(exporter::Takes::report, args.format);
  auto output = app::run(registry(), *input);
  if (!output.ok()) return fail(output.error());
  const SessionResult& session = output->session;
  int exit_code = output->exit_code;
  auto table = format->render({.report = &session.report}, {.color = use_color(args.color), .details = args.details});
  if (!table.ok()) exit_code = fail(table.error());
  else if (print_output(*table) != exit_code::ok && exit_code != exit_code::interrupted) exit_code = exit_code::bad_input;
  if (!input->quiet) {
    for (const auto& line : output->written) fmt::print(stderr, "{}\n", line);
  }
  // The HTML page (the same report, drawn) after the table, so a failure here loses nothing.
  if (!args.html.empty()) {
    exporter::HtmlOptions html;
    exporter::add_flamegraphs(session.report, html);
    const exporter::NamedReport named{.source = input->out, .report = &session.report};
    const std::string page = exporter::run_html(std::span<const exporter::NamedReport>(&named, 1), html);
    if (auto written = write_file_atomically(args.html, page); !written.ok()) {
      print_error(written.error().describe());
      if (exit_code != exit_code::interrupted) exit_code = exit_code::bad_input;
    } else if (!input->quiet) {
      fmt::print(stderr, "HTML report written to {}\n", args.html);
    }
  }
  for (const auto& error : output->errors) print_error(error.describe());
  for (const auto& warning : output->warnings) print_warning(warning);
  if (session.profiled_cases > 0 && !input->quiet) {
    const std::string& dir = input->profile_dir;
    fmt::print(stderr, "profiles written to {} ({} cases); render with: velo flame {}/merged.folded -o flame.svg\n",
               dir, session.profiled_cases, dir);
  }
  if (session.interrupted) {
    fmt::print(stderr, "velo: interrupted: {} of {} cases finished; the report is marked incomplete\n",
               session.finished_cases, output->cases);
    if (!session.partial_cases.empty()) {
      fmt::print(stderr, "velo: {} case(s) hold only some of their forks and are marked partial: {}\n",
                 session.partial_cases.size(), join(session.partial_cases, ", "));
    }
  }
  return exit_code;
}

}  // namespace

void add_run_command(CLI::App& app, Context& context) {
  auto args = std::make_shared<RunArgs>();
  CLI::App* cmd = app.add_subcommand(
      "run", "Measure every case of the given scenario files (default: the built-in quick suite)");
  cmd->add_option("scenarios", args->input.paths, "Scenario files or directories (none: the built-in quick suite)");
  cmd->add_option("-o,--out", args->input.out, "Where to write the JSON report")->capture_default_str();
  cmd->add_option("--filter", args->input.request.filter, "Only cases whose id matches this regular expression (RE2 syntax)");
  cmd->add_option("--repetitions", args->input.request.repetitions, "Repetitions per case (overrides [run])")
      ->check(CLI::Range(1, kMaxRepetitions));
  cmd->add_option("--forks", args->input.request.forks,
                  "Spread each case's repetitions over up to N worker processes, measured in rounds across "
                  "all cases (overrides [run]; see docs/gate.md)")
      ->check(CLI::Range(1, kMaxRepetitions));
  cmd->add_flag("--pin-threads", args->input.request.pin_threads,
               "Pin each thread of a case to its own CPU, round-robin over the allowed CPUs; the CPUs used "
               "are in the report (overrides [run] pin_threads)");
  cmd->add_option("--measure", args->measure,
                  "What to measure: time (default), instructions (under Valgrind: counts that repeat exactly) or "
                  "counters (hardware counters); overrides [run] measure, see docs/deterministic.md")
      ->check(CLI::IsMember({"time", "instructions", "counters"}));
  cmd->add_option("--ops", args->input.request.ops,
                  "Operations per repetition with --measure instructions|counters (default 1000; overrides [run] ops)")
      ->check(CLI::Range(std::int64_t{1}, kMaxCountedOps));
  cmd->add_flag("--cache-sim", args->input.request.cache_sim,
                "With --measure instructions: simulate the caches (L1/LL misses, estimated cycles per op)");
  cmd->add_flag("--branch-sim", args->input.request.branch_sim,
                "With --measure instructions: simulate branch prediction (mispredictions per op)");
  cmd->add_flag("--threaded", args->input.request.threaded,
                "With --measure instructions: run cases that start threads too (skipped by default: Valgrind runs "
                "one thread at a time)");
  cmd->add_option("--min-time", args->min_time, "Minimum measured time per repetition, e.g. 50ms, 0.2s");
  cmd->add_option("--warmup", args->warmup, "Warm-up time before the first repetition, e.g. 20ms");
  cmd->add_option("--timeout", args->timeout, "Per-case timeout, e.g. 60s (needs isolation)");
  cmd->add_option("--param", args->input.request.param_overrides, "KEY=VALUE: set a parameter everywhere it applies (repeatable)")
      ->type_name("KEY=VALUE");
  add_format_option(*cmd, args->format, exporter::offered_by_run);
  add_color_option(*cmd, args->color, "Colour the table");
  cmd->add_option("--html", args->html, "Also write a self-contained HTML report with charts here (docs/reports.md)");
  cmd->add_flag("--details", args->details,
                "Print per-case details (struct layouts) under every table, not only the first, and long reasons in full");
  add_plugin_option(cmd, args->input.plugins);
  cmd->add_option("--baseline-plugin", args->input.baseline_plugins,
                  "A base build of a plugin given by --plugin or a scenario's [scenario] plugins, the one with the "
                  "same implementation names (repeatable): every fork is measured with both builds, back to back; "
                  "the base build's report goes to --baseline-out");
  cmd->add_flag("-q,--quiet", args->input.quiet, "No progress on stderr");
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
  cmd->add_option("--profile-dir", args->input.profile_dir, "Where the folded stacks of a profiled run go")
      ->capture_default_str();
  cmd->add_option("--baseline-velo", args->baseline_velo,
                  "Another velo build (e.g. the base commit's): measure every fork with it too, interleaved with "
                  "this build, and write its report to --baseline-out (see docs/gate.md)");
  cmd->add_option("--baseline-out", args->input.baseline_out,
                  "Where the base side's report of a paired run goes (--baseline-velo, --baseline-plugin, "
                  "--baseline-binary, --baseline-dir)")
      ->capture_default_str();
  cmd->add_option("--baseline-binary", args->input.external_baseline.binaries,
                  "The base build of a gbench case's binary (repeatable; HEAD=BASE names the binary it replaces, "
                  "as the scenario spells it): every fork is measured with both binaries, back to back; see "
                  "docs/external.md")
      ->type_name("[HEAD=]BASE");
  cmd->add_option("--baseline-dir", args->input.external_baseline.dir,
                  "The base commit's checkout, benchmarks built: gbench binaries and gobench packages at the same "
                  "relative paths, command cases run there (with their baseline_command, if any); every fork "
                  "measured on both sides, back to back; see docs/external.md")
      ->type_name("DIR");
  auto* shard = cmd->add_option("--shard", args->input.shard,
                                "I/N: measure only shard I of N of the cases, for a CI matrix; merge the reports "
                                "with velo merge")
                    ->type_name("I/N");
  cmd->add_option("--shard-durations", args->input.shard_durations,
                  "A previous report: balance the shards by its cases' wall times (default: by count)")
      ->needs(shard);
  cmd->add_flag("--no-profile", args->no_profile, "Profile nothing, whatever the scenarios' [profile] tables say")
      ->excludes(profile)
      ->excludes(hz)
      ->excludes(thread_root);
  cmd->callback([&context, args] { context.exit_code = run(*args); });
}

}  // namespace velo::cli

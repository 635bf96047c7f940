// `velo history add|list|show|export|changes`: the results database across commits
// (history/store.hpp) and change-point detection over its series
// (history/changes.hpp). docs/history.md explains the model and the method.
#include <fmt/format.h>

#include <map>

#include "cli/commands.hpp"
#include "cli/history_gate.hpp"
#include "core/atomic_file.hpp"
#include "core/pattern.hpp"
#include "history/changes.hpp"
#include "history/gate.hpp"
#include "history/store.hpp"
#include "report/gate.hpp"
#include "report/report.hpp"

namespace velo::cli {

namespace {

struct DbArg {
  std::string db;
  std::string path() const { return db.empty() ? history::default_db_path() : db; }
};

void add_db_option(CLI::App& cmd, DbArg& arg) {
  cmd.add_option("--db", arg.db,
                 "History database: a SQLite file or a postgresql:// URL (default: $VELO_HISTORY_DB, else ./velo-history.db)");
}

std::string short_commit(const std::string& commit) { return commit.substr(0, 12); }

std::string percent(double fraction) { return fmt::format("{:+.2f}%", fraction * 100); }

// ---- add --------------------------------------------------------------------

struct AddArgs {
  DbArg db;
  std::vector<std::string> reports;
  std::string branch;
  bool quiet = false;
};

int add(const AddArgs& args) {
  // Every report is read before anything is stored: a bad file adds nothing.
  std::vector<report::Report> reports;
  for (const auto& path : args.reports) {
    auto read = report::read_report_file(path);
    if (!read.ok()) return fail(read.error());
    reports.push_back(std::move(*read));
  }
  auto store = history::open_store(args.db.path(), history::OpenMode::create);
  if (!store.ok()) return fail(store.error());
  for (std::size_t i = 0; i < reports.size(); ++i) {
    auto added = (*store)->add(reports[i], args.branch);
    if (!added.ok()) return fail(added.error());
    if (args.quiet) continue;
    if (added->added) fmt::print("added {} as report {} ({})\n", args.reports[i], added->id, added->content_hash);
    else fmt::print("{} is already stored as report {}: nothing to do\n", args.reports[i], added->id);
  }
  return exit_code::ok;
}

// ---- list -------------------------------------------------------------------

struct ListArgs {
  DbArg db;
};

int list(const ListArgs& args) {
  auto store = history::open_store(args.db.path(), history::OpenMode::existing);
  if (!store.ok()) return fail(store.error());
  auto reports = (*store)->reports();
  if (!reports.ok()) return fail(reports.error());
  std::map<std::string, int> machines, builds;
  for (const auto& r : *reports) {
    machines.emplace(r.machine, static_cast<int>(machines.size()) + 1);
    builds.emplace(r.build, static_cast<int>(builds.size()) + 1);
  }
  fmt::print("{:>5}  {:<20}  {:<12}  {:<16}  {:>5}  {:>7}  {:>5}\n", "id", "started", "commit", "branch", "cases",
             "machine", "build");
  for (const auto& r : *reports) {
    fmt::print("{:>5}  {:<20}  {:<12}  {:<16}  {:>5}  {:>7}  {:>5}\n", r.id, r.started_at, short_commit(r.commit),
               r.branch.empty() ? "-" : r.branch, r.cases, fmt::format("M{}", machines[r.machine]),
               fmt::format("B{}", builds[r.build]));
  }
  for (const auto& [key, n] : machines) fmt::print("M{}: {}\n", n, key);
  for (const auto& [key, n] : builds) fmt::print("B{}: {}\n", n, key);
  fmt::print("{} report(s) in {} (schema {})\n", reports->size(), args.db.path(), (*store)->schema_version());
  return exit_code::ok;
}

// ---- show -------------------------------------------------------------------

struct ShowArgs {
  DbArg db;
  std::string case_id;
  std::vector<std::string> metrics;
};

void print_series_header(const history::Series& s) {
  fmt::print("{}  {} ({}, {} is better)\n  machine: {}\n  build:   {}\n", s.key.case_id, s.key.metric, s.unit,
             to_string(s.better), s.key.machine, s.key.build);
}

int show(const ShowArgs& args) {
  auto store = history::open_store(args.db.path(), history::OpenMode::existing);
  if (!store.ok()) return fail(store.error());
  history::SeriesQuery query;
  query.case_id = args.case_id;
  query.metrics = args.metrics;
  auto series = (*store)->series(query);
  if (!series.ok()) return fail(series.error());
  if (series->empty()) {
    return fail(make_error(fmt::format("no results for case '{}'{} in {} (velo history list shows what is stored)",
                                       args.case_id, args.metrics.empty() ? "" : " with the given --metric",
                                       args.db.path())));
  }
  for (const auto& s : *series) {
    print_series_header(s);
    fmt::print("  {:<20}  {:<12}  {:<16}  {:>14}  {:>4}\n", "started", "commit", "branch", "median", "n");
    for (const auto& p : s.points) {
      fmt::print("  {:<20}  {:<12}  {:<16}  {:>14.6g}  {:>4}\n", p.started_at, short_commit(p.commit),
                 p.branch.empty() ? "-" : p.branch, p.median, p.samples.size());
    }
    fmt::print("\n");
  }
  return exit_code::ok;
}

// ---- export -----------------------------------------------------------------

struct ExportArgs {
  DbArg db;
  std::int64_t id = 0;
  std::string out;
};

int export_report(const ExportArgs& args) {
  auto store = history::open_store(args.db.path(), history::OpenMode::existing);
  if (!store.ok()) return fail(store.error());
  auto text = (*store)->report_json(args.id);
  if (!text.ok()) return fail(text.error());
  if (args.out.empty() || args.out == "-") {
    fmt::print("{}", *text);
    return exit_code::ok;
  }
  if (auto written = write_file_atomically(args.out, *text); !written.ok()) return fail(written.error());
  return exit_code::ok;
}

// ---- changes ----------------------------------------------------------------

struct ChangesArgs {
  DbArg db;
  std::string case_regex;
  std::vector<std::string> metrics;
  std::string branch;
  history::EDivisiveOptions detector;
  double level = 0.95;
};

int changes(const ChangesArgs& args) {
  if (auto valid = history::validate(args.detector); !valid.ok()) {
    // The library names its options; --energy-alpha is the CLI's name for alpha.
    const std::string& message = valid.error().message;
    return fail(make_error(message.starts_with("alpha") ? "--energy-" + message : "--" + message));
  }
  history::SeriesQuery query;
  if (!args.case_regex.empty()) {
    auto pattern = Pattern::compile(args.case_regex, "--case");
    if (!pattern.ok()) return fail(pattern.error());
    query.case_pattern = std::move(*pattern);
  }
  query.metrics = args.metrics;
  if (!args.branch.empty()) query.branch = args.branch;
  auto store = history::open_store(args.db.path(), history::OpenMode::existing);
  if (!store.ok()) return fail(store.error());
  auto series = (*store)->series(query);
  if (!series.ok()) return fail(series.error());

  std::size_t analysed = 0, too_short = 0, found = 0;
  for (const auto& s : *series) {
    const std::vector<double> values = s.values();
    if (values.size() < 2 * args.detector.min_segment) {
      ++too_short;
      continue;
    }
    ++analysed;
    const auto detected = history::detect_changes(values, args.detector, {.level = args.level, .seed = args.detector.seed});
    if (detected.empty()) continue;
    print_series_header(s);
    for (const auto& change : detected) {
      ++found;
      const auto& point = s.points[change.point.index];
      const auto& previous = s.points[change.point.index - 1];
      std::string magnitude = "n/a (median before is 0)";
      std::string verdict;
      if (change.shift.relative) {
        magnitude = percent(*change.shift.relative);
        if (change.shift.relative_ci) {
          magnitude += fmt::format(" [{}, {}]", percent(change.shift.relative_ci->low),
                                   percent(change.shift.relative_ci->high));
        }
        const bool up = *change.shift.relative > 0;
        verdict = (up == (s.better == Better::lower)) ? "worse" : "better";
      }
      fmt::print("  change at {} ({}, after {}): {} -> {} {}: {} {}, p = {:.4f}\n", short_commit(point.commit),
                 point.started_at, short_commit(previous.commit), fmt::format("{:.6g}", change.shift.before),
                 fmt::format("{:.6g}", change.shift.after), s.unit, magnitude, verdict, change.point.p_value);
    }
    fmt::print("\n");
  }
  fmt::print("{} change(s) in {} series", found, analysed);
  if (too_short > 0) {
    fmt::print("; {} series with fewer than {} points (2 x --min-segment) not analysed", too_short,
               2 * args.detector.min_segment);
  }
  fmt::print("\n");
  return exit_code::ok;
}


}  // namespace

// ---- gate --history -----------------------------------------------------------

int history_gate(const HistoryGateArgs& args) {
  history::HistoryGateOptions options;
  options.window = args.window;
  options.sigmas = args.sigmas;
  if (!args.max_regression.empty()) {
    auto limit = report::parse_percent(args.max_regression);
    if (!limit) {
      return fail(make_error(fmt::format("--max-regression: expected a percentage such as 2%, got '{}'",
                                         args.max_regression)));
    }
    options.min_change = *limit;
  }
  if (options.window < options.min_points) {
    return fail(make_error(fmt::format("--window: expected at least {} commits, got {}", options.min_points,
                                       options.window)));
  }
  std::optional<Pattern> filter;
  if (!args.filter.empty()) {
    auto compiled = Pattern::compile(args.filter, "--filter");
    if (!compiled.ok()) return fail(compiled.error());
    filter = std::move(*compiled);
  }
  auto head = report::read_report_file(args.head);
  if (!head.ok()) return fail(head.error());
  auto store = history::open_store(args.db, history::OpenMode::existing);
  if (!store.ok()) return fail(store.error());

  const std::vector<std::string> metrics = args.metrics.empty() ? std::vector<std::string>{"ns_per_op"} : args.metrics;
  history::SeriesQuery query;
  query.metrics = metrics;
  query.machine = history::machine_key(head->environment);
  query.build = history::build_key(head->environment);
  if (!args.branch.empty()) query.branch = args.branch;
  auto series = (*store)->series(query);
  if (!series.ok()) return fail(series.error());
  std::map<std::pair<std::string, std::string>, const history::Series*> by_case;
  for (const auto& s : *series) by_case[{s.key.case_id, s.key.metric}] = &s;

  const std::string head_commit = history::commit_of(*head);
  std::size_t judged = 0, regressions = 0, unjudged = 0;
  fmt::print("HEAD {} ({}) against the history of {} in {}\n", args.head, short_commit(head_commit),
             args.branch.empty() ? "every branch" : "branch " + args.branch, args.db);
  for (const auto& c : head->cases) {
    if (c.status != report::CaseStatus::ok) continue;
    if (filter && !filter->search(c.spec.id)) continue;
    for (const auto& metric : metrics) {
      const report::MetricResult* m = c.find_metric(metric);
      if (m == nullptr || m->samples.empty()) continue;
      std::vector<double> past;
      if (auto it = by_case.find({c.spec.id, metric}); it != by_case.end()) {
        for (const auto& p : it->second->points) {
          // HEAD itself may already be stored: it is not its own history.
          if (p.commit == head_commit && p.started_at == head->started_at) continue;
          past.push_back(p.median);
        }
      }
      const auto j = history::judge_against_history(past, stats::median(m->samples), m->spec.better, options);
      if (j.verdict == history::HistoryVerdict::insufficient_history) {
        ++unjudged;
        fmt::print("  {:<12} {} {}: {} of the {} points needed\n", "no verdict", c.spec.id, metric, j.points,
                   options.min_points);
        continue;
      }
      ++judged;
      if (j.verdict == history::HistoryVerdict::regression) ++regressions;
      fmt::print("  {:<12} {} {}: {:.6g} vs {:.6g} +- {:.3g} {} over {} commits: {}, {:+.1f} sigma\n",
                 to_string(j.verdict), c.spec.id, metric, j.head, j.center, j.spread, m->spec.unit, j.points,
                 percent(j.relative), j.sigmas);
    }
  }
  fmt::print("{} regression(s) among {} judged series; {} without enough history\n", regressions, judged, unjudged);
  if (judged == 0) {
    fmt::print(stderr, "velo gate: warning: no series had enough history on machine '{}' and build '{}'\n",
               *query.machine, *query.build);
  }
  return regressions > 0 ? exit_code::failed : exit_code::ok;
}

namespace {
}  // namespace

void add_history_command(CLI::App& app, Context& context) {
  CLI::App* history = app.add_subcommand("history", "Results database across commits, and change points in it");
  history->require_subcommand(1);
  history->footer("See docs/history.md.");

  auto add_args = std::make_shared<AddArgs>();
  CLI::App* add_cmd = history->add_subcommand("add", "Store reports (adding the same report twice changes nothing)");
  add_db_option(*add_cmd, add_args->db);
  add_cmd->add_option("reports", add_args->reports, "REPORT.json files")->required();
  add_cmd->add_option("--branch", add_args->branch, "The branch these reports were measured on (for gates)");
  add_cmd->add_flag("-q,--quiet", add_args->quiet, "Print nothing on success");
  add_cmd->callback([&context, add_args] { context.exit_code = add(*add_args); });

  auto list_args = std::make_shared<ListArgs>();
  CLI::App* list_cmd = history->add_subcommand("list", "List the stored reports");
  add_db_option(*list_cmd, list_args->db);
  list_cmd->callback([&context, list_args] { context.exit_code = list(*list_args); });

  auto show_args = std::make_shared<ShowArgs>();
  CLI::App* show_cmd = history->add_subcommand("show", "One case's series, per machine, build and metric");
  add_db_option(*show_cmd, show_args->db);
  show_cmd->add_option("case", show_args->case_id, "The case id, as in reports")->required();
  show_cmd->add_option("--metric", show_args->metrics, "Only this metric (repeatable)");
  show_cmd->callback([&context, show_args] { context.exit_code = show(*show_args); });

  auto export_args = std::make_shared<ExportArgs>();
  CLI::App* export_cmd = history->add_subcommand("export", "Write a stored report back as report JSON");
  add_db_option(*export_cmd, export_args->db);
  export_cmd->add_option("id", export_args->id, "The report's id (velo history list)")->required();
  export_cmd->add_option("-o,--output", export_args->out, "File to write (default: stdout)");
  export_cmd->callback([&context, export_args] { context.exit_code = export_report(*export_args); });

  auto changes_args = std::make_shared<ChangesArgs>();
  CLI::App* changes_cmd =
      history->add_subcommand("changes", "Change points (E-Divisive Means) in every series, with their magnitude");
  add_db_option(*changes_cmd, changes_args->db);
  changes_cmd->add_option("--case", changes_args->case_regex, "Only cases whose id matches (RE2 syntax)");
  changes_cmd->add_option("--metric", changes_args->metrics, "Only this metric (repeatable)");
  changes_cmd->add_option("--branch", changes_args->branch, "Only runs recorded on this branch");
  auto& d = changes_args->detector;
  changes_cmd->add_option("--significance", d.significance, "Permutation p-value a change must reach")
      ->capture_default_str();
  changes_cmd->add_option("--permutations", d.permutations, "Permutations per significance test")
      ->capture_default_str();
  changes_cmd->add_option("--min-segment", d.min_segment, "Fewest commits on either side of a change")
      ->capture_default_str();
  changes_cmd->add_option("--energy-alpha", d.alpha, "Exponent of distances in the energy statistic, (0, 2]")
      ->capture_default_str();
  changes_cmd->add_option("--seed", d.seed, "Seed of the permutations and the bootstrap")->capture_default_str();
  changes_cmd->add_option("--level", changes_args->level, "Confidence level of the magnitude's interval")
      ->check(CLI::Range(0.5, 0.999))
      ->capture_default_str();
  changes_cmd->callback([&context, changes_args] { context.exit_code = changes(*changes_args); });
}

}  // namespace velo::cli

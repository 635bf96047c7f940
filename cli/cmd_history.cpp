// `velo history add|list|show|export|changes|html`: the results database across commits
// (history/store.hpp) and change-point detection over its series
// (history/changes.hpp), drawn as trend charts by `html` (export/html_report.hpp).
// docs/history.md explains the model and the method.
#include <fmt/format.h>

#include <cstdlib>
#include <map>

#include "cli/commands.hpp"
#include "cli/history_gate.hpp"
#include "core/atomic_file.hpp"
#include "core/pattern.hpp"
#include "export/formats.hpp"
#include "export/history_gate.hpp"
#include "export/html_report.hpp"
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

// The series `changes` and `html` look at: --case, --metric, --branch; the detector's
// options checked first.
Expected<std::vector<history::Series>> selected_series(const ChangesArgs& args) {
  if (auto valid = history::validate(args.detector); !valid.ok()) {
    // The library names its options; --energy-alpha is the CLI's name for alpha.
    const std::string& message = valid.error().message;
    return make_error(message.starts_with("alpha") ? "--energy-" + message : "--" + message);
  }
  history::SeriesQuery query;
  if (!args.case_regex.empty()) {
    auto pattern = Pattern::compile(args.case_regex, "--case");
    if (!pattern.ok()) return pattern.error();
    query.case_pattern = std::move(*pattern);
  }
  query.metrics = args.metrics;
  if (!args.branch.empty()) query.branch = args.branch;
  auto store = history::open_store(args.db.path(), history::OpenMode::existing);
  if (!store.ok()) return store.error();
  return (*store)->series(query);
}

void add_selection_options(CLI::App& cmd, ChangesArgs& args) {
  add_db_option(cmd, args.db);
  cmd.add_option("--case", args.case_regex, "Only cases whose id matches (RE2 syntax)");
  cmd.add_option("--metric", args.metrics, "Only this metric (repeatable)");
  cmd.add_option("--branch", args.branch, "Only runs recorded on this branch");
  auto& d = args.detector;
  cmd.add_option("--significance", d.significance, "Permutation p-value a change must reach")->capture_default_str();
  cmd.add_option("--permutations", d.permutations, "Permutations per significance test")->capture_default_str();
  cmd.add_option("--min-segment", d.min_segment, "Fewest commits on either side of a change")->capture_default_str();
  cmd.add_option("--energy-alpha", d.alpha, "Exponent of distances in the energy statistic, (0, 2]")
      ->capture_default_str();
  cmd.add_option("--seed", d.seed, "Seed of the permutations and the bootstrap")->capture_default_str();
  cmd.add_option("--level", args.level, "Confidence level of the magnitude's interval")
      ->check(CLI::Range(0.5, 0.999))
      ->capture_default_str();
}

int changes(const ChangesArgs& args) {
  auto series = selected_series(args);
  if (!series.ok()) return fail(series.error());

  std::size_t analysed = 0, too_short = 0, found = 0;
  for (const auto& a : history::analyse(std::move(*series), args.detector, args.level)) {
    const history::Series& s = a.series;
    if (!a.analysed) {
      ++too_short;
      continue;
    }
    ++analysed;
    if (a.changes.empty()) continue;
    print_series_header(s);
    for (const auto& change : a.changes) {
      ++found;
      const auto& point = s.points[change.point.index];
      const auto& previous = s.points[change.point.index - 1];
      std::string magnitude = "n/a (median before is 0)";
      std::string_view verdict;
      if (change.shift.relative) {
        magnitude = percent(*change.shift.relative);
        if (change.shift.relative_ci) {
          magnitude += fmt::format(" [{}, {}]", percent(change.shift.relative_ci->low),
                                   percent(change.shift.relative_ci->high));
        }
        verdict = history::change_verdict(*change.shift.relative, s.better);
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

// ---- html -------------------------------------------------------------------

struct HtmlArgs {
  ChangesArgs selection;
  std::string out;
  std::string title;
  std::string commit_url;
};

// --commit-url, else GitHub Actions' own repository when velo runs there.
Expected<std::string> commit_url(const std::string& given) {
  std::string url = given;
  if (url.empty()) {
    const char* server = std::getenv("GITHUB_SERVER_URL");
    const char* repository = std::getenv("GITHUB_REPOSITORY");
    if (server == nullptr || repository == nullptr || *server == '\0' || *repository == '\0') return std::string();
    url = fmt::format("{}/{}/commit/{{commit}}", server, repository);
  }
  const bool web = url.starts_with("https://") || url.starts_with("http://");
  const bool blank = url.find_first_of(" \t\n\r\"<>") != std::string::npos;
  if (!web || blank || url.find("{commit}") == std::string::npos) {
    return make_error(fmt::format("--commit-url: expected an http(s) URL with {{commit}} where the commit goes, such as "
                                  "https://github.com/org/repo/commit/{{commit}}, got '{}'{}",
                                  url, given.empty() ? " (from $GITHUB_SERVER_URL and $GITHUB_REPOSITORY)" : ""));
  }
  return url;
}

int html(const HtmlArgs& args) {
  auto url = commit_url(args.commit_url);
  if (!url.ok()) return fail(url.error());
  auto series = selected_series(args.selection);
  if (!series.ok()) return fail(series.error());
  const ChangesArgs& sel = args.selection;
  if (series->empty()) {
    return fail(make_error(fmt::format("no series in {} match the selection (--case, --metric, --branch); velo history "
                                       "list shows what is stored",
                                       history::location_for_display(sel.db.path()))));
  }
  const auto analysed = history::analyse(std::move(*series), sel.detector, sel.level);
  exporter::HistoryHtmlOptions options{.title = args.title,
                                       .source = history::location_for_display(sel.db.path()),
                                       .commit_url = *url,
                                       .case_filter = sel.case_regex,
                                       .metrics = sel.metrics,
                                       .branch = sel.branch,
                                       .detector = sel.detector,
                                       .level = sel.level};
  if (auto written = write_file_atomically(args.out, exporter::history_html(analysed, options)); !written.ok()) {
    return fail(written.error());
  }
  std::size_t changes = 0;
  for (const auto& a : analysed) changes += a.changes.size();
  fmt::print(stderr, "trend charts of {} series ({} change(s)) written to {}\n", analysed.size(), changes, args.out);
  return exit_code::ok;
}

}  // namespace

// ---- gate --history -----------------------------------------------------------

int history_gate(const HistoryGateArgs& args) {
  history::HistoryGateRequest request;
  request.branch = args.branch;
  request.metrics = args.metrics;
  request.options.window = args.window;
  request.options.sigmas = args.sigmas;
  request.options.range = !args.no_range;
  if (!args.max_regression.empty()) {
    auto limit = report::parse_percent(args.max_regression);
    if (!limit) {
      return fail(make_error(fmt::format("--max-regression: expected a percentage such as 2%, got '{}'",
                                         args.max_regression)));
    }
    request.options.min_change = *limit;
  }
  if (request.options.window < request.options.min_points) {
    return fail(make_error(fmt::format("--window: expected at least {} commits, got {}", request.options.min_points,
                                       request.options.window)));
  }
  if (!(args.sigmas > 0)) return fail(make_error(fmt::format("--sigmas: expected a positive number, got {}", args.sigmas)));
  const auto* format = exporter::formats().find(exporter::Takes::history_gate, args.format);
  if (format == nullptr) {
    return fail(exporter::unknown_format(
        "--format", args.format, exporter::formats().names(exporter::offered_by_gate, exporter::Takes::history_gate)));
  }
  if (!args.filter.empty()) {
    auto compiled = Pattern::compile(args.filter, "--filter");
    if (!compiled.ok()) return fail(compiled.error());
    request.filter = std::move(*compiled);
  }
  auto head = report::read_report_file(args.head);
  if (!head.ok()) return fail(head.error());
  auto store = history::open_store(args.db, history::OpenMode::existing);
  if (!store.ok()) return fail(store.error());
  auto result = history::gate_against_history(**store, *head, request);
  if (!result.ok()) return fail(result.error());
  result->head_name = args.head;
  result->db = history::location_for_display(args.db);

  auto text = format->render({.history_gate = &*result}, {});
  if (!text.ok()) return fail(text.error());
  if (!args.summary.empty()) {
    if (auto written = write_file_atomically(args.summary, exporter::history_gate_markdown(*result)); !written.ok()) {
      return fail(written.error());
    }
  }
  fmt::print("{}", *text);
  if (result->judged == 0) {
    fmt::print(stderr, "velo gate: warning: no series had enough history on machine '{}' and build '{}'\n",
               result->machine, result->build);
  }
  return result->passed() ? exit_code::ok : exit_code::failed;
}


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
  add_selection_options(*changes_cmd, *changes_args);
  changes_cmd->callback([&context, changes_args] { context.exit_code = changes(*changes_args); });

  auto html_args = std::make_shared<HtmlArgs>();
  CLI::App* html_cmd = history->add_subcommand(
      "html", "Trend charts of every series with its change points marked, as one self-contained HTML page");
  add_selection_options(*html_cmd, html_args->selection);
  html_cmd->add_option("-o,--out", html_args->out, "The HTML file to write (e.g. trends.html)")->required();
  html_cmd->add_option("--title", html_args->title, "Page title (default: names the database)");
  html_cmd->add_option("--commit-url", html_args->commit_url,
                       "Link each commit: a URL with {commit}, e.g. https://github.com/org/repo/commit/{commit} "
                       "(default on GitHub Actions: this repository)");
  html_cmd->callback([&context, html_args] { context.exit_code = html(*html_args); });
}

}  // namespace velo::cli

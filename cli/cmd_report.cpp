// `velo report REPORT.json [MORE.json ...] -o report.html`: one self-contained HTML
// page with the tables and charts of one or more runs (export/html_report.hpp,
// docs/reports.md). Every report is read and checked before anything is written.
#include <fmt/format.h>

#include "cli/commands.hpp"
#include "core/atomic_file.hpp"
#include "export/html_report.hpp"

namespace velo::cli {

void add_report_command(CLI::App& app, Context& context) {
  struct Args {
    std::vector<std::string> reports;
    std::string out;
    std::string title;
    bool no_flamegraphs = false;
  };
  auto args = std::make_shared<Args>();
  CLI::App* cmd = app.add_subcommand("report", "Write one self-contained HTML page with the tables and charts of reports");
  cmd->add_option("reports", args->reports, "JSON reports written by velo run")->required()->expected(1, -1);
  cmd->add_option("-o,--out", args->out, "The HTML file to write (e.g. report.html)")->required();
  cmd->add_option("--title", args->title, "Page title (default: names the report)");
  cmd->add_flag("--no-flamegraphs", args->no_flamegraphs,
                "Do not embed the flame graphs of profiled cases (their folded files are read otherwise)");
  cmd->callback([&context, args] {
    std::vector<report::Report> reports;
    reports.reserve(args->reports.size());
    for (const auto& path : args->reports) {
      auto read = report::read_report_file(path);
      if (!read.ok()) {
        print_error(read.error().describe());
        context.exit_code = exit_code::bad_input;
        return;
      }
      reports.push_back(std::move(*read));
    }
    exporter::HtmlOptions options{.title = args->title};
    std::vector<exporter::NamedReport> named;
    for (std::size_t i = 0; i < reports.size(); ++i) {
      named.push_back({.source = args->reports[i], .report = &reports[i]});
      if (!args->no_flamegraphs) exporter::add_flamegraphs(reports[i], options);
    }
    if (auto written = write_file_atomically(args->out, exporter::run_html(named, options)); !written.ok()) {
      print_error(written.error().describe());
      context.exit_code = exit_code::bad_input;
      return;
    }
    fmt::print(stderr, "HTML report written to {}\n", args->out);
  });
}

}  // namespace velo::cli

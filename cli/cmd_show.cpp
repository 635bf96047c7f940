// `velo show REPORT [CASE]`: a report's run and cases, or one case in full
// (export/show.hpp): what the tables leave out, such as layouts, notes and reasons.
#include <fmt/format.h>

#include "cli/commands.hpp"
#include "core/text.hpp"
#include "export/show.hpp"

namespace velo::cli {

void add_show_command(CLI::App& app, Context& context) {
  struct Args {
    std::string report;
    std::string query;
  };
  auto args = std::make_shared<Args>();
  CLI::App* cmd = app.add_subcommand("show", "Print a report's cases, or one case in full (layouts, notes, reasons, environment)");
  cmd->add_option("report", args->report, "A JSON report written by velo run")->required();
  cmd->add_option("case", args->query, "The case's id, or part of it that names one case");
  cmd->callback([&context, args] {
    auto report = report::read_report_file(args->report);
    if (!report.ok()) {
      print_error(report.error().describe());
      context.exit_code = exit_code::bad_input;
      return;
    }
    if (args->query.empty()) {
      fmt::print("{}", exporter::report_overview_text(*report));
      return;
    }
    const auto found = exporter::find_cases(*report, args->query);
    if (found.size() == 1) {
      fmt::print("{}", exporter::case_text(*report, *found.front()));
      return;
    }
    std::vector<std::string> ids;
    if (found.empty()) {
      for (const auto& c : report->cases) ids.push_back(c.spec.id);
      const auto hint = closest_match(args->query, ids);
      print_error(fmt::format("{}: no case id contains '{}'{}; 'velo show {}' lists the cases", args->report,
                              args->query, hint ? fmt::format(" (did you mean '{}'?)", *hint) : "", args->report));
    } else {
      for (const auto* c : found) ids.push_back(c->spec.id);
      print_error(fmt::format("{}: '{}' matches {} cases; give more of the id:\n  {}", args->report, args->query,
                              found.size(), join(ids, "\n  ")));
    }
    context.exit_code = exit_code::bad_input;
  });
}

}  // namespace velo::cli

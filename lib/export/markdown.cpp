// Comparison tables as GitHub-flavoured Markdown (pipe tables), for CI job
// summaries and pull-request comments: the same content as the terminal table,
// with failure reasons in full.
#include <fmt/format.h>

#include "export/run_tables.hpp"
#include "export/exporters.hpp"

namespace velo::exporter {
namespace {

// A cell cannot hold '|' or a line break.
std::string escape_cell(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '|') {
      out += "\\|";
    } else if (c == '\n') {
      out += "<br>";
    } else if (c != '\r') {
      out += c;
    }
  }
  return out;
}

std::string metric_text(const MetricCell& cell) {
  std::string text = cell.value;
  if (!cell.interval.empty()) text += " " + cell.interval;
  if (cell.unstable) text += " !";
  return text;
}

void render_table(std::string& out, const ComparisonTable& table) {
  out += fmt::format("### {}\n\n", escape_cell(table.title));
  out += "| variant |";
  std::string alignment = "|:--|";
  for (const auto& column : table.columns) {
    out += fmt::format(" {} |", escape_cell(column.name));
    alignment += "--:|";
  }
  out += " vs baseline |\n";
  out += alignment + ":--|\n";

  for (const auto& row : table.rows) {
    out += fmt::format("| {} |", escape_cell(row.label));
    if (row.ok) {
      for (const auto& cell : row.cells) out += fmt::format(" {} |", escape_cell(metric_text(cell)));
      out += fmt::format(" {} |\n", row.ratio);
    } else {
      out += fmt::format(" {} |", escape_cell(row.status));
      for (std::size_t c = 1; c < table.columns.size(); ++c) out += "  |";
      out += "  |\n";
    }
  }
  if (table.any_unstable) out += fmt::format("\n{}\n", kUnstableLegend);
  if (table.any_threads_apart) out += fmt::format("\n{}\n", kThreadsApartLegend);
  if (table.any_forks_disagree) out += fmt::format("\n{}\n", kForksDisagreeLegend);
  for (const auto& details : table.details) {
    out += fmt::format("\n```text\n{}{}```\n", details, details.ends_with('\n') ? "" : "\n");
  }
}

}  // namespace

std::string comparison_markdown(const report::Report& report, const TableOptions& options) {
  const std::vector<ComparisonTable> tables = build_comparison(report, options);
  std::string out;
  for (const auto& table : tables) {
    if (!out.empty()) out += '\n';
    render_table(out, table);
  }
  // Closing lines as paragraphs; the incomplete marker in bold.
  for (const auto& line : closing_lines(report, tables)) {
    if (!out.empty()) out += '\n';
    out += line == kIncompleteLine ? fmt::format("**{}**\n", line) : line + "\n";
  }
  return out;
}

}  // namespace velo::exporter

// Comparison tables for the terminal: columns aligned by display width, long
// failure reasons shortened in the row and printed in full under the table, each
// distinct details text once (struct layouts as one line of totals unless
// --details), a summary after the tables, ANSI
// colour only when asked.
#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "core/text.hpp"
#include "export/run_tables.hpp"
#include "export/exporters.hpp"
#include "export/table_summary.hpp"
#include "export/text_width.hpp"

namespace velo::exporter {
namespace {

constexpr std::string_view kGap = "  ";
constexpr std::string_view kIndent = "  ";
constexpr std::size_t kMinStatusWidth = 40;

std::string paint(std::string_view text, Tone tone, bool color) {
  if (!color || tone == Tone::plain) return std::string(text);
  const std::string_view code = tone == Tone::faster ? "32" : tone == Tone::slower ? "31" : "33";
  return fmt::format("\x1b[{}m{}\x1b[0m", code, text);
}

std::string first_line(const std::string& text) { return text.substr(0, text.find('\n')); }

// One metric column: values right-aligned, then their intervals right-aligned, so
// digits line up; an unstable cell ends in " !".
std::vector<std::string> metric_column_texts(const ComparisonTable& table, std::size_t column) {
  std::size_t value_width = 0;
  std::size_t interval_width = 0;
  for (const auto& row : table.rows) {
    if (!row.ok) continue;
    value_width = std::max(value_width, display_width(row.cells[column].value));
    interval_width = std::max(interval_width, display_width(row.cells[column].interval));
  }
  std::vector<std::string> texts;
  for (const auto& row : table.rows) {
    if (!row.ok) {
      texts.emplace_back();
      continue;
    }
    const MetricCell& cell = row.cells[column];
    std::string text = pad_left(cell.value, value_width);
    if (interval_width > 0) text += " " + pad_left(cell.interval, interval_width);
    if (cell.unstable) text += " !";
    texts.push_back(std::move(text));
  }
  return texts;
}

// A pahole-style struct layout ("struct NAME {" ... "/* size: 32, cachelines: 1,
// members: 8, align: 4 */" ... "};") in one line: its name and the totals pahole
// prints, member lines left to --details and `velo show` (issue #21: the quick
// suite's layouts were 254 of its 658 lines).
std::string layout_summary(const std::string& block) {
  std::string name = first_line(block);
  if (name.size() >= 2 && name.compare(name.size() - 2, 2, " {") == 0) name.resize(name.size() - 2);
  std::string totals;
  for (const char* key : {"/* size: ", "/* sum members: "}) {
    const std::size_t at = block.find(key);
    if (at == std::string::npos) continue;
    const std::size_t from = at + 3;
    const std::size_t end = block.find(" */", from);
    if (end == std::string::npos) continue;
    totals += (totals.empty() ? "" : ", ") + block.substr(from, end - from);
  }
  return totals.empty() ? name + "\n" : fmt::format("{}: {}\n", name, totals);
}

// Details texts already printed, and under which table; see TableOptions::details.
using ShownDetails = std::map<std::string, std::string>;

void render_table(std::string& out, const ComparisonTable& table, bool color, ShownDetails* shown, bool full_reasons) {
  // Cell texts, column by column: variant, one per metric, ratio.
  std::vector<std::string> headers = {"variant"};
  std::vector<std::vector<std::string>> columns(1);
  for (const auto& row : table.rows) columns[0].push_back(row.label);
  for (std::size_t m = 0; m < table.columns.size(); ++m) {
    headers.push_back(table.columns[m].name);
    columns.push_back(metric_column_texts(table, m));
  }
  headers.emplace_back("vs baseline");
  columns.emplace_back();
  for (const auto& row : table.rows) columns.back().push_back(row.ok ? row.ratio : "");

  std::vector<std::size_t> widths;
  for (std::size_t c = 0; c < columns.size(); ++c) {
    std::size_t width = display_width(headers[c]);
    for (std::size_t r = 0; r < table.rows.size(); ++r) {
      if (table.rows[r].ok || c == 0) width = std::max(width, display_width(columns[c][r]));
    }
    widths.push_back(width);
  }
  std::size_t status_width = 0;  // everything right of the variant column
  for (std::size_t c = 1; c < widths.size(); ++c) status_width += kGap.size() + widths[c];
  status_width = std::max(status_width - kGap.size(), kMinStatusWidth);

  auto emit_line = [&out](std::string line) {
    line.erase(line.find_last_not_of(' ') + 1);
    out += kIndent;
    out += line;
    out += '\n';
  };

  out += table.title + "\n";
  std::string header;
  std::string rule;
  for (std::size_t c = 0; c < columns.size(); ++c) {
    if (c) header += kGap, rule += kGap;
    header += pad_right(headers[c], widths[c]);
    rule += std::string(widths[c], '-');
  }
  emit_line(header);
  emit_line(rule);

  std::vector<const ComparisonRow*> cut_short;  // reasons shortened in the row, printed in full below
  for (std::size_t r = 0; r < table.rows.size(); ++r) {
    const ComparisonRow& row = table.rows[r];
    std::string line = pad_right(row.label, widths[0]);
    if (!row.ok) {
      line += kGap;
      const std::string shown_status = truncate_to_width(first_line(row.status), status_width);
      if (shown_status != row.status) cut_short.push_back(&row);
      line += shown_status;
      emit_line(line);
      continue;
    }
    for (std::size_t c = 1; c < columns.size(); ++c) {
      const bool is_ratio = c + 1 == columns.size();
      const Tone tone = is_ratio ? row.ratio_tone
                        : row.cells[c - 1].unstable ? Tone::unstable
                                                    : Tone::plain;
      const std::string& text = columns[c][r];
      line += kGap;
      line += paint(text, tone, color);
      line += std::string(widths[c] - display_width(text), ' ');
    }
    emit_line(line);
  }
  if (table.any_unstable) out += fmt::format("{}{}\n", kIndent, kUnstableLegend);
  if (table.any_threads_apart) out += fmt::format("{}{}\n", kIndent, kThreadsApartLegend);
  if (table.any_forks_disagree) out += fmt::format("{}{}\n", kIndent, kForksDisagreeLegend);
  if (!cut_short.empty() && !full_reasons) {
    out += fmt::format("{}(reasons cut short above: velo run --details prints them in full, as does velo show REPORT CASE)\n",
                       kIndent);
  }
  for (const ComparisonRow* row : full_reasons ? cut_short : std::vector<const ComparisonRow*>{}) {
    // In full; the reason's own lines (a worker's stderr) indented under it.
    std::string text = row->status;
    for (std::size_t at = text.find('\n'); at != std::string::npos; at = text.find('\n', at + 1)) {
      text.insert(at + 1, std::string(kIndent) + "  ");
    }
    out += fmt::format("{}{}: {}\n", kIndent, row->label, text);
  }
  std::vector<std::string> printed_under;  // earlier tables whose details this one shares
  bool summarised = false;                 // a struct layout shown as its one-line totals
  auto shared = [&](const std::string& text) {
    if (!shown) return false;
    const auto [at, first] = shown->emplace(text, table.title);
    if (!first && at->second != table.title &&
        std::find(printed_under.begin(), printed_under.end(), at->second) == printed_under.end()) {
      printed_under.push_back(at->second);
    }
    return !first;
  };
  for (const auto& details : table.details) {
    if (shared(details)) continue;
    // A struct layout (pahole-style, "struct NAME {" to "};") is the same under every
    // parameter point of a scenario while the lines around it (e.g. how many bytes the
    // scan touches) are not: layouts are kept apart and printed once too.
    std::string kept;
    std::string block;
    bool in_struct = false;
    for (std::size_t start = 0; start < details.size();) {
      std::size_t end = details.find('\n', start);
      if (end == std::string::npos) end = details.size();
      const std::string line = details.substr(start, end - start) + "\n";
      start = end + 1;
      if (!in_struct && line.rfind("struct ", 0) == 0 && line.size() >= 3 && line[line.size() - 2] == '{') {
        in_struct = true;
        block = line;
        continue;
      }
      if (!in_struct) {
        kept += line;
        continue;
      }
      block += line;
      if (line == "};\n") {
        in_struct = false;
        if (shared(block)) continue;
        if (full_reasons) {
          kept += block;
        } else {
          kept += layout_summary(block);
          summarised = true;
        }
      }
    }
    if (in_struct) kept += block;  // unterminated: printed as it is
    if (kept.empty()) continue;
    out += '\n';
    for (std::size_t start = 0; start < kept.size();) {
      std::size_t end = kept.find('\n', start);
      if (end == std::string::npos) end = kept.size();
      out += fmt::format("{}{}\n", kIndent, kept.substr(start, end - start));
      start = end + 1;
    }
  }
  if (summarised) {
    out += fmt::format("{}(struct layouts in one line each: velo run --details prints every member, as does "
                       "velo show REPORT CASE)\n",
                       kIndent);
  }
  for (const auto& title : printed_under) {
    out += fmt::format("{}details as under \"{}\" above (velo run --details repeats them; velo show REPORT CASE)\n",
                       kIndent, title);
  }
}

}  // namespace

std::string comparison_table(const report::Report& report, const TableOptions& options) {
  const std::vector<ComparisonTable> tables = build_comparison(report, options);
  std::string out;
  ShownDetails shown;
  for (const auto& table : tables) {
    if (!out.empty()) out += '\n';
    render_table(out, table, options.color, options.details ? nullptr : &shown, options.details);
  }
  const std::vector<std::string> closing = closing_lines(report, tables);
  if (!closing.empty() && !out.empty()) out += '\n';
  for (const auto& line : closing) out += line + "\n";
  return out;
}

std::string comparison_summary(const report::Report& report, const TableOptions& options) {
  return tables_summary(build_comparison(report, options));
}

}  // namespace velo::exporter

// See table_summary.hpp.
#include "export/table_summary.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "core/text.hpp"
#include "export/text_width.hpp"

namespace velo::exporter {

std::string tables_summary(const std::vector<ComparisonTable>& tables) {
  struct Line {
    std::string title, best, value, spread;
  };
  std::vector<Line> lines;
  for (const auto& table : tables) {
    if (table.columns.empty()) continue;
    const MetricSpec& metric = table.columns.front();
    const ComparisonRow* best = nullptr;
    const ComparisonRow* worst = nullptr;
    auto median = [&](const ComparisonRow* row) { return row->result->find_metric(metric.name)->summary.median; };
    for (const auto& row : table.rows) {
      if (!row.ok || !row.result || !row.result->find_metric(metric.name)) continue;
      const bool higher = metric.better == Better::higher;
      if (!best || (higher ? median(&row) > median(best) : median(&row) < median(best))) best = &row;
      if (!worst || (higher ? median(&row) < median(worst) : median(&row) > median(worst))) worst = &row;
    }
    if (!best || best == worst) continue;
    const double a = median(best);
    const double b = median(worst);
    const std::string spread = a > 0 && b > 0 ? fmt::format("slowest {} ×{}", worst->label,
                                                            format_significant(std::max(a, b) / std::min(a, b), 3))
                                              : fmt::format("slowest {}", worst->label);
    lines.push_back({table.title, best->label, best->cells.front().value + " " + metric.name, spread});
  }
  if (lines.empty()) return "";
  std::size_t title_width = 0;
  std::size_t best_width = 0;
  std::size_t value_width = 0;
  for (const auto& l : lines) {
    title_width = std::max(title_width, display_width(l.title));
    best_width = std::max(best_width, display_width(l.best));
    value_width = std::max(value_width, display_width(l.value));
  }
  auto pad = [](const std::string& text, std::size_t width) {
    const std::size_t w = display_width(text);
    return text + std::string(width > w ? width - w : 0, ' ');
  };
  std::string out = "summary: the fastest variant of each table, and how far the slowest is from it\n";
  for (const auto& l : lines) {
    out += fmt::format("  {}  {}  {}  {}\n", pad(l.title, title_width), pad(l.best, best_width),
                       pad(l.value, value_width), l.spread);
  }
  return out;
}

}  // namespace velo::exporter

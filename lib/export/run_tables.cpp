#include "export/run_tables.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <set>

#include "core/text.hpp"

namespace velo::exporter {
namespace {

using report::CaseResult;
using report::CaseStatus;
using report::Report;

// "increments=100,threads=2" -> {"increments=100", "threads=2"}.
std::vector<std::string> group_pairs(const std::string& group) {
  std::vector<std::string> pairs;
  std::size_t start = 0;
  while (start < group.size()) {
    std::size_t end = group.find(',', start);
    if (end == std::string::npos) end = group.size();
    if (end > start) pairs.push_back(group.substr(start, end - start));
    start = end + 1;
  }
  std::sort(pairs.begin(), pairs.end());
  return pairs;
}

bool is_subset(const std::vector<std::string>& small, const std::vector<std::string>& big) {
  return std::includes(big.begin(), big.end(), small.begin(), small.end());
}

// The parameters of a case id ("family/variant/k=v,...") that are not in its group:
// what tells two rows of the same variant apart (per-variant override lists).
std::string own_params(const CaseResult& result, const std::vector<std::string>& group) {
  const auto slash = result.spec.id.rfind('/');
  const std::string id_params = slash == std::string::npos ? "" : result.spec.id.substr(slash + 1);
  std::vector<std::string> own;
  for (const auto& pair : group_pairs(id_params)) {
    if (!std::binary_search(group.begin(), group.end(), pair)) own.push_back(pair);
  }
  return join(own, " ");
}

std::string format_value(double value, const std::string& unit) {
  // Times read best in their own units (12.3us rather than 12.3k ns).
  if (unit == "ns") return format_duration(value * 1e-9);
  if (unit == "B") return format_bytes(value);
  const std::string number = format_si(value);
  if (unit.empty()) return number;
  if (unit == "%") return number + "%";
  return fmt::format("{} {}", number, unit);
}

MetricCell metric_cell(const report::MetricResult* metric) {
  if (metric == nullptr || metric->summary.n == 0) return {"-", "", false};
  const stats::Summary& s = metric->summary;
  MetricCell cell;
  cell.value = format_value(s.median, metric->spec.unit);
  if (s.n >= 2 && s.median != 0) {
    const double half_width = (s.ci.high - s.ci.low) / 2 / std::fabs(s.median) * 100;
    cell.interval = fmt::format("± {:.1f}%", half_width);
  }
  cell.unstable = s.cv > stats::kUnstableCv;
  return cell;
}

std::string status_text(const CaseResult& result, bool baseline) {
  std::string text(report::to_string(result.status));
  if (baseline) text += " (baseline)";
  if (!result.reason.empty()) text += ": " + result.reason;
  return text;
}

// The ratio of a row's first headline metric to the baseline's, worded by direction.
void set_ratio(ComparisonRow& row, const report::MetricResult* mine,
               const report::MetricResult* base) {
  if (row.baseline) {
    row.ratio = "baseline";
    return;
  }
  row.ratio = "-";
  if (!mine || !base || mine->summary.n == 0 || base->summary.n == 0) return;
  const double value = mine->summary.median;
  const double reference = base->summary.median;
  if (value <= 0 || reference <= 0) return;  // a ratio of non-positive values means nothing
  const bool higher_is_better = mine->spec.better == Better::higher;
  const bool faster = higher_is_better ? value > reference : value < reference;
  const double factor = std::max(value, reference) / std::min(value, reference);
  if (fmt::format("{:.2f}", factor) == "1.00") {
    row.ratio = "1.00x";
    return;
  }
  row.ratio = fmt::format("{:.2f}x {}", factor, faster ? "faster" : "slower");
  row.ratio_tone = faster ? Tone::faster : Tone::slower;
}

// The columns of one table: explicit options, else the family's headline metrics
// that some row has, else every metric the rows have.
std::vector<MetricSpec> choose_columns(const std::vector<const CaseResult*>& cases,
                                       const Family* family, const TableOptions& options) {
  std::vector<MetricSpec> present;
  for (const CaseResult* result : cases) {
    for (const auto& metric : result->metrics) {
      const bool seen = std::any_of(present.begin(), present.end(),
                                    [&](const MetricSpec& s) { return s.name == metric.spec.name; });
      if (!seen) present.push_back(metric.spec);
    }
  }
  auto spec_of = [&](const std::string& name) -> std::optional<MetricSpec> {
    for (const auto& spec : present) {
      if (spec.name == name) return spec;
    }
    if (family) {
      if (const MetricSpec* spec = family->find_metric(name)) return *spec;
    }
    return std::nullopt;
  };

  std::vector<MetricSpec> columns;
  if (!options.metrics.empty()) {
    for (const auto& name : options.metrics) {
      columns.push_back(spec_of(name).value_or(MetricSpec{.name = name}));
    }
    return columns;
  }
  const std::vector<std::string> headline = family ? family->headline : Family{}.headline;
  for (const auto& name : headline) {
    const bool measured = std::any_of(present.begin(), present.end(),
                                      [&](const MetricSpec& s) { return s.name == name; });
    if (measured) columns.push_back(*spec_of(name));
  }
  return columns.empty() ? present : columns;
}

// Details come from a report file, possibly written by another velo version: a
// shape the family no longer expects is left out of the table, not a crash.
std::string describe(const Family& family, const nlohmann::json& details) {
  try {
    return family.describe_details(details);
  } catch (const nlohmann::json::exception&) {
    return {};
  }
}

ComparisonTable build_table(const std::string& scenario, const std::vector<std::string>& group,
                            std::vector<const CaseResult*> cases, const Registry& families,
                            const TableOptions& options) {
  ComparisonTable table;
  table.title = group.empty() ? scenario : fmt::format("{} ({})", scenario, join(group, ", "));
  // Baseline first; otherwise the report's (scenario) order.
  std::stable_partition(cases.begin(), cases.end(),
                        [](const CaseResult* c) { return c->spec.baseline; });
  const Family* family = families.find(cases.front()->spec.family);
  table.columns = choose_columns(cases, family, options);

  const CaseResult* baseline = nullptr;
  for (const CaseResult* result : cases) {
    if (result->spec.baseline) {
      baseline = result;
      break;
    }
  }
  const std::string first_metric = table.columns.empty() ? "" : table.columns.front().name;
  const report::MetricResult* baseline_metric =
      baseline && baseline->status == CaseStatus::ok ? baseline->find_metric(first_metric) : nullptr;

  std::set<std::string> seen_details;
  for (const CaseResult* result : cases) {
    ComparisonRow row;
    row.result = result;
    row.label = result->spec.variant;
    const auto same_label = std::count_if(cases.begin(), cases.end(), [&](const CaseResult* c) {
      return c->spec.variant == result->spec.variant;
    });
    if (same_label > 1) {
      const std::string own = own_params(*result, group);
      if (!own.empty()) row.label += " " + own;
    }
    row.baseline = result == baseline;
    row.ok = result->status == CaseStatus::ok;
    row.threads_apart = row.ok && result->threads_apart();
    row.forks_disagree = row.ok && result->forks_disagree();
    if (row.threads_apart) row.label += kThreadsApartMark;
    if (row.forks_disagree) row.label += kForksDisagreeMark;
    table.any_threads_apart |= row.threads_apart;
    table.any_forks_disagree |= row.forks_disagree;
    if (row.ok) {
      for (const auto& column : table.columns) {
        const report::MetricResult* metric = result->find_metric(column.name);
        row.cells.push_back(metric_cell(metric));
        table.any_unstable |= row.cells.back().unstable;
        table.any_interval |= !row.cells.back().interval.empty();
        table.any_low_coverage |= !row.cells.back().interval.empty() && metric->summary.ci.level < 0.95;
      }
      set_ratio(row, result->find_metric(first_metric), baseline_metric);
    } else {
      row.status = status_text(*result, row.baseline);
    }
    if (family && family->describe_details && !result->details.empty()) {
      std::string text = describe(*family, result->details);
      if (!text.empty() && seen_details.insert(text).second) table.details.push_back(text);
    }
    table.rows.push_back(std::move(row));
  }
  return table;
}

}  // namespace

std::vector<ComparisonTable> build_comparison(const Report& report, const TableOptions& options) {
  const Registry& families = options.families ? *options.families : registry();

  // Scenarios and their groups in order of first appearance.
  struct Scenario {
    std::string name;
    std::vector<std::vector<std::string>> groups;
  };
  std::vector<Scenario> scenarios;
  for (const auto& result : report.cases) {
    auto it = std::find_if(scenarios.begin(), scenarios.end(),
                           [&](const Scenario& s) { return s.name == result.spec.scenario; });
    if (it == scenarios.end()) {
      scenarios.push_back({result.spec.scenario, {}});
      it = std::prev(scenarios.end());
    }
    std::vector<std::string> pairs = group_pairs(result.spec.group);
    if (std::find(it->groups.begin(), it->groups.end(), pairs) == it->groups.end()) {
      it->groups.push_back(std::move(pairs));
    }
  }

  std::vector<ComparisonTable> tables;
  for (const Scenario& scenario : scenarios) {
    for (const auto& group : scenario.groups) {
      const bool maximal = std::none_of(
          scenario.groups.begin(), scenario.groups.end(),
          [&](const std::vector<std::string>& other) { return other != group && is_subset(group, other); });
      if (!maximal) continue;
      std::vector<const CaseResult*> members;
      for (const auto& result : report.cases) {
        if (result.spec.scenario == scenario.name &&
            is_subset(group_pairs(result.spec.group), group)) {
          members.push_back(&result);
        }
      }
      tables.push_back(build_table(scenario.name, group, std::move(members), families, options));
    }
  }
  return tables;
}

std::vector<std::string> closing_lines(const Report& report,
                                       const std::vector<ComparisonTable>& tables) {
  std::vector<std::string> lines;
  const auto any = [&](bool ComparisonTable::*flag) {
    return std::any_of(tables.begin(), tables.end(), [&](const auto& t) { return t.*flag; });
  };
  if (any(&ComparisonTable::any_interval)) lines.emplace_back(kIntervalLegend);
  if (any(&ComparisonTable::any_low_coverage)) lines.emplace_back(kLowCoverageLegend);
  for (const auto& note : report.notes) lines.push_back("note: " + note);
  if (!report.complete) lines.emplace_back(kIncompleteLine);
  return lines;
}

}  // namespace velo::exporter

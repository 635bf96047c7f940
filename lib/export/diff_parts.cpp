// format_delta and the pieces every comparison and gate renderer shares.
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <map>

#include "core/text.hpp"
#include "export/run_tables.hpp"
#include "export/diff.hpp"
#include "export/diff_parts.hpp"
#include "export/text_table.hpp"

namespace velo::exporter {

std::string format_delta(double delta) {
  if (std::isinf(delta)) return delta > 0 ? "+inf%" : "-inf%";
  return fmt::format("{:+.{}f}%", delta * 100, std::fabs(delta) < 0.1 ? 2 : 1);
}

namespace detail {

std::string format_count(double value) {
  std::string text = fmt::format("{:.3f}", value);
  while (text.back() == '0') text.pop_back();
  if (text.back() == '.') text.pop_back();
  return text;
}

std::string value_cell(const report::MetricComparison& mc, const stats::Summary& s) {
  return report::is_exact(mc.test) ? format_count(s.median) : value_with_spread(s);
}

std::string p_cell(const report::MetricComparison& mc) {
  if (mc.test == report::Test::exact_count) return "exact";
  if (mc.test == report::Test::exact_by_repetition) return "exact/rep";
  return format_significant(mc.p_adjusted, 2);
}

std::string value_with_spread(const stats::Summary& s) {
  const double half = std::max(s.median - s.ci.low, s.ci.high - s.median);
  const double pct = s.median != 0 ? 100 * half / std::fabs(s.median) : 0;
  return fmt::format("{} ±{}%", format_si(s.median), format_significant(pct, 2));
}

std::string verdict_text(const MetricComparison& mc) {
  if (mc.verdict == Verdict::same) return mc.underpowered() ? "~ (too few samples)" : "~";
  return std::string(to_string(mc.verdict));
}

// The footer line naming the tests used, e.g. "two-sided Mann-Whitney U, holm-corrected across cases".
std::string test_description_of_tests(const Comparison& comparison, bool paired, bool unpaired);

std::string test_description(const Comparison& comparison) {
  bool paired = false, unpaired = false, exact = false, by_repetition = false;
  for (const auto& cc : comparison.cases) {
    for (const auto& mc : cc.metrics) {
      if (mc.test == report::Test::exact_count) exact = true;
      else if (mc.test == report::Test::exact_by_repetition) by_repetition = true;
      else (mc.test == report::Test::signed_rank ? paired : unpaired) = true;
    }
  }
  if (exact || by_repetition) {
    const std::string which = exact && by_repetition ? "counts identical in every repetition, or repeating repetition by "
                                                       "repetition (exact/rep),"
                              : exact ? "counts identical in every repetition"
                                      : "counts repeating repetition by repetition (exact/rep)";
    const std::string counts = fmt::format("{} judged by their change against {}", which,
                                           format_delta(comparison.options.count_threshold).substr(1));
    if (!paired && !unpaired) return counts;
    return fmt::format("{}; the others: {}", counts, test_description_of_tests(comparison, paired, unpaired));
  }
  return test_description_of_tests(comparison, paired, unpaired);
}

std::string test_description_of_tests(const Comparison& comparison, bool paired, bool unpaired) {
  std::string test = "two-sided Mann-Whitney U";
  if (paired) {
    test = "two-sided Wilcoxon signed-rank over the forks of one paired run (fork medians, head/base)";
    if (unpaired) test += ", Mann-Whitney U for the cases the warnings name";
  }
  return fmt::format("{}, {}-corrected across cases", test, to_string(comparison.options.correction));
}

// Rows of one metric across cases, in report order or by size of change.
std::vector<std::pair<const CaseComparison*, const MetricComparison*>> rows_for(const Comparison& comparison,
                                                                             const std::string& metric,
                                                                             bool sort_by_delta) {
  std::vector<std::pair<const CaseComparison*, const MetricComparison*>> rows;
  for (const auto& cc : comparison.cases) {
    if (const auto* mc = cc.find_metric(metric)) rows.emplace_back(&cc, mc);
  }
  if (sort_by_delta) {
    std::stable_sort(rows.begin(), rows.end(),
                     [](const auto& a, const auto& b) { return std::fabs(a.second->delta) > std::fabs(b.second->delta); });
  }
  return rows;
}

std::vector<std::string> metric_names(const Comparison& comparison) {
  std::vector<std::string> names;
  for (const auto& cc : comparison.cases) {
    for (const auto& mc : cc.metrics) {
      if (std::find(names.begin(), names.end(), mc.spec.name) == names.end()) names.push_back(mc.spec.name);
    }
  }
  return names;
}

const report::GeometricMean* geomean_of(const Comparison& comparison, const std::string& metric) {
  for (const auto& gm : comparison.geomeans) {
    if (gm.metric == metric) return &gm;
  }
  return nullptr;
}

std::string status_lines(const Comparison& comparison) {
  std::string out;
  for (const auto& cc : comparison.cases) {
    if (cc.presence == Presence::added) out += fmt::format("added:   {}\n", cc.id);
    else if (cc.presence == Presence::removed) out += fmt::format("removed: {}\n", cc.id);
    else if (cc.broke()) out += fmt::format("broke:   {} ({} in head: {})\n", cc.id, to_string(cc.head_status), cc.head_reason);
    else if (cc.metrics.empty() && (cc.base_status != report::CaseStatus::ok || cc.head_status != report::CaseStatus::ok)) {
      out += fmt::format("not compared: {} (base {}, head {})\n", cc.id, to_string(cc.base_status),
                         to_string(cc.head_status));
    }
  }
  return out;
}

std::string underpowered_note(const Comparison& comparison, const std::string& metric) {
  const auto rows = rows_for(comparison, metric, false);
  for (const auto& [cc, mc] : rows) {
    if (!mc->underpowered()) continue;
    const double alpha = comparison.options.alpha;
    const std::string bar =
        mc->smallest_p >= alpha
            ? fmt::format("above alpha {}", alpha)
            : fmt::format("not below {}, the most a case changing alone may have after the {} correction across {} "
                          "cases", format_significant(mc->flaggable_p, 2), to_string(comparison.options.correction),
                          rows.size());
    return fmt::format("note: with {} and {} samples the smallest possible p-value is {}, {}: these sizes can "
                       "never show a significant change (use more repetitions)\n",
                       mc->base.n, mc->head.n, format_significant(mc->smallest_p, 2), bar);
  }
  return "";
}

std::string finding_line(const report::GateFinding& f) {
  using report::FindingKind;
  switch (f.kind) {
    case FindingKind::broke: return fmt::format("{}: {}", f.id, f.reason);
    case FindingKind::added: return fmt::format("{}: only in head", f.id);
    case FindingKind::removed: return fmt::format("{}: only in base", f.id);
    default:
      if (f.exact) {  // counts in full, and no p-value: there is no test (docs/deterministic.md)
        return fmt::format("{} {}: {} -> {} {} ({}, limit {} from {}, exact counts{})", f.id, f.metric,
                           format_count(f.base_median), format_count(f.head_median), f.unit, format_delta(f.delta),
                           format_delta(f.threshold).substr(1), f.threshold_origin,
                           f.by_repetition ? " repetition by repetition" : "");
      }
      return fmt::format("{} {}: {} -> {} {} ({}, limit {} from {}, p={})", f.id, f.metric, format_si(f.base_median),
                         format_si(f.head_median), f.unit, format_delta(f.delta), format_delta(f.threshold).substr(1),
                         f.threshold_origin, format_significant(f.p_adjusted, 2));
  }
}

}  // namespace detail

}  // namespace velo::exporter

#include "export/diff.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <map>

#include "core/text.hpp"
#include "export/comparison.hpp"
#include "export/text_table.hpp"

namespace velo::exporter {

using report::CaseComparison;
using report::Comparison;
using report::MetricComparison;
using report::Presence;
using report::Verdict;

std::string format_delta(double delta) {
  if (std::isinf(delta)) return delta > 0 ? "+inf%" : "-inf%";
  return fmt::format("{:+.{}f}%", delta * 100, std::fabs(delta) < 0.1 ? 2 : 1);
}

namespace {

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
std::string test_description(const Comparison& comparison) {
  bool paired = false, unpaired = false;
  for (const auto& cc : comparison.cases) {
    for (const auto& mc : cc.metrics) (mc.test == report::Test::signed_rank ? paired : unpaired) = true;
  }
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

}  // namespace

std::string diff_table(const Comparison& comparison, const DiffOptions& options) {
  std::string out;
  for (const auto& warning : comparison.warnings) out += fmt::format("warning: {}\n", warning);
  if (!comparison.warnings.empty()) out += '\n';
  const double alpha = comparison.options.alpha;
  for (const auto& metric : metric_names(comparison)) {
    const auto rows = rows_for(comparison, metric, options.sort_by_delta);
    const auto& spec = rows.front().second->spec;
    out += fmt::format("{} ({}, {} is better)\n", metric, spec.unit, to_string(spec.better));
    TextTable table({"case", "base", "head", "delta", "p", "verdict"}, {false, true, true, true, true, false});
    bool any_unstable = false, any_apart = false, any_disagree = false;
    for (const auto& [cc, mc] : rows) {
      std::string mark = mc->unstable ? " !" : "";
      if (cc->threads_apart) mark += exporter::kThreadsApartMark;
      if (cc->forks_disagree) mark += exporter::kForksDisagreeMark;
      any_unstable |= mc->unstable;
      any_apart |= cc->threads_apart;
      any_disagree |= cc->forks_disagree;
      std::string verdict = verdict_text(*mc);
      if (options.color && mc->verdict != Verdict::same) {
        verdict = fmt::format("\033[{}m{}\033[0m", mc->verdict == Verdict::worse ? 31 : 32, verdict);
      }
      table.add({cc->id + mark, value_with_spread(mc->base), value_with_spread(mc->head),
                 mc->verdict == Verdict::same ? "~" : format_delta(mc->delta),
                 format_significant(mc->p_adjusted, 2), verdict});
    }
    if (const auto* gm = geomean_of(comparison, metric)) {
      table.add({fmt::format("geomean ({} cases)", gm->cases), "", "", format_delta(gm->ratio - 1), "", ""});
    }
    out += table.render();
    if (any_unstable) out += "! unstable: coefficient of variation above 5% in base or head\n";
    if (any_apart) out += fmt::format("{} (base or head)\n", exporter::kThreadsApartLegend);
    if (any_disagree) out += fmt::format("{} (base or head)\n", exporter::kForksDisagreeLegend);
    out += underpowered_note(comparison, metric);
    out += '\n';
  }
  out += fmt::format("p: {}; alpha {}, changes under {} are ~\n", test_description(comparison), alpha,
                     format_delta(comparison.options.min_change).substr(1));
  out += status_lines(comparison);
  return out;
}

std::string diff_markdown(const Comparison& comparison, const DiffOptions& options) {
  std::string out;
  for (const auto& warning : comparison.warnings) out += fmt::format("> **warning:** {}\n", warning);
  if (!comparison.warnings.empty()) out += '\n';
  for (const auto& metric : metric_names(comparison)) {
    const auto rows = rows_for(comparison, metric, options.sort_by_delta);
    const auto& spec = rows.front().second->spec;
    out += fmt::format("### {} ({}, {} is better)\n\n", metric, spec.unit, to_string(spec.better));
    out += "| case | base | head | delta | p | verdict |\n|:--|--:|--:|--:|--:|:--|\n";
    for (const auto& [cc, mc] : rows) {
      std::string mark = mc->unstable ? " ⚠" : "";
      if (cc->threads_apart) mark += exporter::kThreadsApartMark;
      if (cc->forks_disagree) mark += exporter::kForksDisagreeMark;
      out += fmt::format("| `{}`{} | {} | {} | {} | {} | {} |\n", cc->id, mark,
                         value_with_spread(mc->base), value_with_spread(mc->head),
                         mc->verdict == Verdict::same ? "~" : format_delta(mc->delta),
                         format_significant(mc->p_adjusted, 2), verdict_text(*mc));
    }
    if (const auto* gm = geomean_of(comparison, metric)) {
      out += fmt::format("| **geomean** ({} cases) | | | {} | | |\n", gm->cases, format_delta(gm->ratio - 1));
    }
    out += '\n';
    if (auto note = underpowered_note(comparison, metric); !note.empty()) out += note + '\n';
  }
  if (auto statuses = status_lines(comparison); !statuses.empty()) out += "```\n" + statuses + "```\n";
  return out;
}

std::string diff_csv(const Comparison& comparison) {
  auto quote = [](const std::string& field) {
    if (field.find_first_of(",\"\n") == std::string::npos) return field;
    std::string quoted = "\"";
    for (char c : field) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
    return quoted + "\"";
  };
  std::string out = "case,metric,unit,better,base_median,base_ci_low,base_ci_high,base_n,head_median,head_ci_low,"
                    "head_ci_high,head_n,delta,p_value,p_adjusted,verdict,unstable,test,pairs\n";
  for (const auto& cc : comparison.cases) {
    for (const auto& mc : cc.metrics) {
      out += fmt::format("{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}\n", quote(cc.id), mc.spec.name,
                         quote(mc.spec.unit), to_string(mc.spec.better), mc.base.median, mc.base.ci.low,
                         mc.base.ci.high, mc.base.n, mc.head.median, mc.head.ci.low, mc.head.ci.high, mc.head.n,
                         mc.delta, mc.p_value, mc.p_adjusted, to_string(mc.verdict), mc.unstable,
                         to_string(mc.test), mc.pairs);
    }
  }
  return out;
}

std::string diff_json(const Comparison& comparison) {
  using nlohmann::json;
  auto number = [](double x) { return std::isfinite(x) ? json(x) : json(x > 0 ? "inf" : "-inf"); };
  auto summary = [](const stats::Summary& s) {
    return json{{"n", s.n}, {"median", s.median}, {"ci_low", s.ci.low}, {"ci_high", s.ci.high}, {"cv", s.cv}};
  };
  json cases = json::array();
  for (const auto& cc : comparison.cases) {
    json metrics = json::object();
    for (const auto& mc : cc.metrics) {
      metrics[mc.spec.name] = {{"unit", mc.spec.unit}, {"better", to_string(mc.spec.better)},
                               {"base", summary(mc.base)}, {"head", summary(mc.head)},
                               {"delta", number(mc.delta)}, {"p_value", mc.p_value},
                               {"p_adjusted", mc.p_adjusted}, {"smallest_p", mc.smallest_p},
                               {"flaggable_p", mc.flaggable_p}, {"test", to_string(mc.test)},
                               {"pairs", mc.pairs}, {"exact", mc.exact}, {"unstable", mc.unstable},
                               {"verdict", to_string(mc.verdict)}};
    }
    const char* presence = cc.presence == Presence::both ? "both" : cc.presence == Presence::added ? "added" : "removed";
    cases.push_back({{"id", cc.id}, {"presence", presence}, {"base_status", to_string(cc.base_status)},
                     {"head_status", to_string(cc.head_status)}, {"metrics", metrics}});
  }
  json geomeans = json::array();
  for (const auto& gm : comparison.geomeans) {
    geomeans.push_back({{"metric", gm.metric}, {"ratio", gm.ratio}, {"cases", gm.cases}});
  }
  const auto& o = comparison.options;
  return json{{"alpha", o.alpha}, {"min_change", o.min_change}, {"correction", to_string(o.correction)},
              {"paired", comparison.paired},
              {"warnings", comparison.warnings}, {"cases", cases}, {"geomeans", geomeans}}
             .dump(2, ' ', false, json::error_handler_t::replace) + "\n";
}

namespace {
std::string finding_line(const report::GateFinding& f) {
  using report::FindingKind;
  switch (f.kind) {
    case FindingKind::broke: return fmt::format("{}: {}", f.id, f.reason);
    case FindingKind::added: return fmt::format("{}: only in head", f.id);
    case FindingKind::removed: return fmt::format("{}: only in base", f.id);
    default:
      return fmt::format("{} {}: {} -> {} {} ({}, limit {} from {}, p={})", f.id, f.metric, format_si(f.base_median),
                         format_si(f.head_median), f.unit, format_delta(f.delta), format_delta(f.threshold).substr(1),
                         f.threshold_origin, format_significant(f.p_adjusted, 2));
  }
}
}  // namespace

std::string gate_text(const report::GateResult& result, bool color) {
  using report::FindingKind;
  std::string out;
  for (const auto& warning : result.comparison.warnings) out += fmt::format("warning: {}\n", warning);
  for (const auto& f : result.findings) {
    std::string label(to_string(f.kind));
    if (color && (f.kind == FindingKind::regression || f.kind == FindingKind::broke)) label = "\033[31m" + label + "\033[0m";
    if (color && f.kind == FindingKind::improvement) label = "\033[32m" + label + "\033[0m";
    out += fmt::format("{:<12} {}\n", label, finding_line(f));
  }
  const int improvements = static_cast<int>(std::count_if(result.findings.begin(), result.findings.end(),
      [](const auto& f) { return f.kind == FindingKind::improvement; }));
  out += fmt::format("gate {}: {} regression{}, {} improvement{}, {} unchanged{}\n",
                     result.passed() ? "passed" : "FAILED", result.regressions(), result.regressions() == 1 ? "" : "s",
                     improvements, improvements == 1 ? "" : "s", result.unchanged,
                     result.underpowered ? fmt::format(" ({} with too few samples to ever be significant)",
                                                       result.underpowered) : "");
  return out;
}

std::string gate_markdown(const report::GateResult& result) {
  using report::FindingKind;
  std::string out = fmt::format("## velo gate: {}\n\n", result.passed() ? "passed ✅" : "failed ❌");
  for (const auto& warning : result.comparison.warnings) out += fmt::format("> **warning:** {}\n", warning);
  if (!result.comparison.warnings.empty()) out += '\n';
  auto section = [&](const char* title, auto predicate) {
    std::string rows;
    for (const auto& f : result.findings) {
      if (!predicate(f.kind)) continue;
      if (f.metric.empty()) {
        rows += fmt::format("| `{}` | | | | {} |\n", f.id, f.kind == FindingKind::broke ? f.reason : std::string(to_string(f.kind)));
      } else {
        rows += fmt::format("| `{}` | {} | {} → {} {} | **{}** | limit {} ({}), p={} |\n", f.id, f.metric,
                            format_si(f.base_median), format_si(f.head_median), f.unit, format_delta(f.delta),
                            format_delta(f.threshold).substr(1), f.threshold_origin, format_significant(f.p_adjusted, 2));
      }
    }
    if (rows.empty()) return;
    out += fmt::format("### {}\n\n| case | metric | change | delta | |\n|:--|:--|--:|--:|:--|\n{}\n", title, rows);
  };
  section("Regressions", [](FindingKind k) { return k == FindingKind::regression || k == FindingKind::broke; });
  section("Improvements", [](FindingKind k) { return k == FindingKind::improvement; });
  section("Added and removed cases", [](FindingKind k) { return k == FindingKind::added || k == FindingKind::removed; });
  out += fmt::format("{} unchanged (case, metric) pairs{}.\n", result.unchanged,
                     result.underpowered ? fmt::format(", {} of them with too few samples to ever be significant",
                                                       result.underpowered) : "");
  const auto& o = result.comparison.options;
  out += fmt::format("\n<sub>{}, alpha {}.</sub>\n", test_description(result.comparison), o.alpha);
  return out;
}

std::string gate_json(const report::GateResult& result) {
  using nlohmann::json;
  json findings = json::array();
  for (const auto& f : result.findings) {
    json item = {{"kind", to_string(f.kind)}, {"id", f.id}};
    if (!f.metric.empty()) {
      item.update({{"metric", f.metric}, {"unit", f.unit}, {"base_median", f.base_median},
                   {"head_median", f.head_median}, {"delta", std::isfinite(f.delta) ? json(f.delta) : json(f.delta > 0 ? "inf" : "-inf")},
                   {"threshold", f.threshold}, {"threshold_origin", f.threshold_origin}, {"p_adjusted", f.p_adjusted}});
    }
    if (!f.reason.empty()) item["reason"] = f.reason;
    findings.push_back(item);
  }
  return json{{"passed", result.passed()}, {"regressions", result.regressions()}, {"unchanged", result.unchanged},
              {"underpowered", result.underpowered}, {"findings", findings},
              {"comparison", json::parse(diff_json(result.comparison))}}
             .dump(2, ' ', false, json::error_handler_t::replace) + "\n";
}

}  // namespace velo::exporter

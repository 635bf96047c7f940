// `velo compare --html` and `velo gate --html`: the comparison as an HTML page. The
// data is diff_json()/gate_json() (the same JSON `--format json` prints) with, per
// case and metric, what the charts need: the ratio head/base with an interval, the
// paired runs' fork-by-fork ratios, and the threshold that applies.
// lib/export/html/compare.js draws it.
//
// The interval of the ratio, stated honestly (docs/reports.md):
//   - paired runs (one ratio per fork): the distribution-free interval of the median
//     of the fork ratios (stats::median_confidence_interval), at the coverage it has;
//   - otherwise: [head CI low / base CI high, head CI high / base CI low], the ratios
//     the two medians' intervals allow. If both intervals hold their medians, this
//     one holds the ratio of the medians, so its coverage is at least the product of
//     the two coverages (the runs are independent); that product is what is shown.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>

#include "export/diff.hpp"
#include "export/html_page.hpp"
#include "export/html_report.hpp"

namespace velo::exporter {

namespace {

using nlohmann::json;

json finite_or_null(double x) { return std::isfinite(x) ? json(x) : json(nullptr); }

json run_facts(const report::Report& r) {
  return {{"started_at", r.started_at},
          {"finished_at", r.finished_at},
          {"complete", r.complete},
          {"velo_version", r.provenance.velo_version},
          {"velo_commit", r.provenance.velo_commit},
          {"git_commit", r.provenance.git_commit ? json(*r.provenance.git_commit) : json(nullptr)},
          {"git_dirty", r.provenance.git_dirty ? json(*r.provenance.git_dirty) : json(nullptr)},
          {"hostname", r.environment.hostname},
          {"cpu_model", r.environment.cpu_model},
          {"logical_cpus", r.environment.logical_cpus},
          {"kernel", r.environment.kernel},
          {"compiler", r.environment.compiler},
          {"notes", r.notes}};
}

std::map<std::string, const report::CaseResult*> by_id(const report::Report& r) {
  std::map<std::string, const report::CaseResult*> out;
  for (const auto& c : r.cases) out.emplace(c.spec.id, &c);
  return out;
}

// The ratio fields of one metric comparison; see the file comment.
void add_ratio(json& metric, const report::MetricComparison& mc, const report::CaseResult* base,
               const report::CaseResult* head, bool paired) {
  metric["ratio"] = mc.base.median != 0 ? finite_or_null(mc.head.median / mc.base.median) : json(nullptr);
  metric["ratio_low"] = nullptr;
  metric["ratio_high"] = nullptr;
  metric["ratio_level"] = nullptr;
  metric["ratio_interval"] = "none";
  metric["fork_ratios"] = json::array();
  std::vector<double> ratios;
  if (paired && base && head) {
    const auto* bm = base->find_metric(mc.spec.name);
    const auto* hm = head->find_metric(mc.spec.name);
    if (bm && hm) {
      const auto b = report::fork_medians(*base, *bm);
      const auto h = report::fork_medians(*head, *hm);
      if (b.size() == h.size() && std::all_of(b.begin(), b.end(), [](double x) { return x > 0; })) {
        for (std::size_t k = 0; k < b.size(); ++k) ratios.push_back(h[k] / b[k]);
      }
    }
  }
  for (double r : ratios) metric["fork_ratios"].push_back(finite_or_null(r));
  if (ratios.size() >= 2) {
    const auto ci = stats::median_confidence_interval(ratios);
    metric["ratio_low"] = finite_or_null(ci.low);
    metric["ratio_high"] = finite_or_null(ci.high);
    metric["ratio_level"] = ci.level;
    metric["ratio_interval"] = "paired forks";
  } else if (mc.base.ci.low > 0 && mc.head.ci.low >= 0 && mc.base.n > 0 && mc.head.n > 0) {
    metric["ratio_low"] = finite_or_null(mc.head.ci.low / mc.base.ci.high);
    metric["ratio_high"] = finite_or_null(mc.head.ci.high / mc.base.ci.low);
    metric["ratio_level"] = mc.base.ci.level * mc.head.ci.level;
    metric["ratio_interval"] = "medians' intervals";
  }
}

// diff_json() plus the per-case facts and ratios the page draws; `threshold` gives
// the limit of one case and metric (and where it comes from).
template <typename Threshold>
json comparison_json(const report::Comparison& comparison, const report::Report& base, const report::Report& head,
                     Threshold threshold) {
  json out = json::parse(diff_json(comparison));
  const auto base_cases = by_id(base);
  const auto head_cases = by_id(head);
  const bool paired = comparison.paired && comparison.options.use_pairing;
  auto& cases = out["cases"];
  for (std::size_t i = 0; i < comparison.cases.size() && i < cases.size(); ++i) {
    const report::CaseComparison& cc = comparison.cases[i];
    json& item = cases[i];
    item["scenario"] = cc.scenario;
    item["family"] = cc.family;
    item["head_reason"] = cc.head_reason;
    item["threads_apart"] = cc.threads_apart;
    item["forks_disagree"] = cc.forks_disagree;
    item["broke"] = cc.broke();
    const auto b = base_cases.find(cc.id);
    const auto h = head_cases.find(cc.id);
    for (const auto& mc : cc.metrics) {
      json& metric = item["metrics"][mc.spec.name];
      add_ratio(metric, mc, b == base_cases.end() ? nullptr : b->second, h == head_cases.end() ? nullptr : h->second,
                paired);
      const auto [limit, origin] = threshold(cc, mc);
      metric["threshold"] = limit;
      metric["threshold_origin"] = origin;
    }
  }
  return out;
}

}  // namespace

std::string compare_html(const report::Comparison& comparison, const report::Report& base, const report::Report& head,
                         const HtmlOptions& options) {
  const double floor = comparison.options.min_change;
  json data = {
      {"kind", "compare"},
      {"title", options.title.empty() ? std::string("velo compare") : options.title},
      {"base", run_facts(base)},
      {"head", run_facts(head)},
      {"comparison", comparison_json(comparison, base, head,
                                     [floor, &comparison](const report::CaseComparison&,
                                                          const report::MetricComparison& mc) {
                                       // Exact counts are judged against the count threshold.
                                       if (report::is_exact(mc.test)) {
                                         return std::pair<double, std::string>{comparison.options.count_threshold,
                                                                               "count threshold"};
                                       }
                                       return std::pair<double, std::string>{floor, "--min-change (noise floor)"};
                                     })},
      {"gated_metrics", comparison.options.metrics},
  };
  return html::page("compare", data["title"].get<std::string>(), data);
}


namespace {

// What the gate gated: the policy's metrics, and (evaluate_gate) a counted case's
// instructions_per_op when no metric was named (docs/deterministic.md).
std::vector<std::string> gated_metrics_of(const report::GateResult& result, const report::GatePolicy& policy) {
  auto gated = policy.gated_metrics();
  if (!policy.metrics.empty()) return gated;
  for (const auto& cc : result.comparison.cases) {
    if (cc.find_metric("instructions_per_op")) {
      gated.emplace_back("instructions_per_op");
      break;
    }
  }
  return gated;
}

}  // namespace

std::string gate_html(const report::GateResult& result, const report::GatePolicy& policy, const report::Report& base,
                      const report::Report& head, const HtmlOptions& options) {
  json gate = json::parse(gate_json(result));
  gate.erase("comparison");  // the page's "comparison" below carries it, with ratios
  json data = {
      {"kind", "gate"},
      {"title", options.title.empty() ? std::string("velo gate") : options.title},
      {"base", run_facts(base)},
      {"head", run_facts(head)},
      {"gate", std::move(gate)},
      {"comparison", comparison_json(result.comparison, base, head,
                                     [&policy](const report::CaseComparison& cc,
                                               const report::MetricComparison& mc) {
                                       return report::applied_threshold(policy, cc, mc);
                                     })},
      {"gated_metrics", gated_metrics_of(result, policy)},
  };
  return html::page("gate", data["title"].get<std::string>(), data);
}

}  // namespace velo::exporter

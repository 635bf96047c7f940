#include "report/compare.hpp"

#include <fmt/format.h>

#include <cmath>
#include <map>

#include "stats/mann_whitney.hpp"

namespace velo::report {

std::string_view to_string(Verdict verdict) {
  switch (verdict) {
    case Verdict::same: return "same";
    case Verdict::better: return "better";
    case Verdict::worse: return "worse";
  }
  return "?";
}

const MetricComparison* CaseComparison::find_metric(std::string_view name) const {
  for (const auto& m : metrics) {
    if (m.spec.name == name) return &m;
  }
  return nullptr;
}

double relative_change(double base, double head) {
  if (base != 0) return (head - base) / std::fabs(base);
  // From nothing to something (0 -> 1 allocs/op) is an unbounded change, not 0%.
  if (head == 0) return 0;
  return head > 0 ? HUGE_VAL : -HUGE_VAL;
}

Verdict judge(double delta, double p_adjusted, Better better, double alpha, double min_change) {
  if (!(p_adjusted < alpha) || !(std::fabs(delta) > min_change)) return Verdict::same;
  const bool larger = delta > 0;
  const bool larger_is_better = better == Better::higher;
  return larger == larger_is_better ? Verdict::better : Verdict::worse;
}

std::vector<std::string> environment_differences(const Report& base, const Report& head) {
  std::vector<std::string> warnings;
  const Environment& a = base.environment;
  const Environment& b = head.environment;
  auto differ = [&](std::string_view what, const std::string& x, const std::string& y) {
    if (x != y) warnings.push_back(fmt::format("{} differs: '{}' (base) vs '{}' (head)", what, x, y));
  };
  differ("host", a.hostname, b.hostname);
  differ("CPU", a.cpu_model, b.cpu_model);
  if (a.logical_cpus != b.logical_cpus) {
    warnings.push_back(fmt::format("logical CPUs differ: {} (base) vs {} (head)", a.logical_cpus, b.logical_cpus));
  }
  differ("kernel", a.kernel, b.kernel);
  differ("compiler", a.compiler, b.compiler);
  differ("compiler flags", a.compiler_flags, b.compiler_flags);
  differ("build type", a.build_type, b.build_type);
  differ("libc", a.libc, b.libc);
  if (a.governor != b.governor) {
    warnings.push_back(fmt::format("CPU frequency governor differs: '{}' (base) vs '{}' (head)",
                                   a.governor.value_or("unknown"), b.governor.value_or("unknown")));
  }
  std::map<std::string, std::string> base_hashes;
  for (const auto& s : base.scenarios) base_hashes[s.name] = s.content_hash;
  for (const auto& s : head.scenarios) {
    auto it = base_hashes.find(s.name);
    if (it != base_hashes.end() && it->second != s.content_hash) {
      warnings.push_back(fmt::format("scenario '{}' has different contents ({} vs {})", s.name, it->second,
                                     s.content_hash));
    }
  }
  if (!base.complete) warnings.push_back("the base report is incomplete (its run was interrupted)");
  if (!head.complete) warnings.push_back("the head report is incomplete (its run was interrupted)");
  return warnings;
}

Comparison compare_reports(const Report& base, const Report& head, const CompareOptions& options) {
  Comparison comparison;
  comparison.options = options;
  comparison.warnings = environment_differences(base, head);

  auto wanted_case = [&](const std::string& id) { return !options.filter || std::regex_search(id, *options.filter); };
  auto wanted_metric = [&](const std::string& name) {
    if (options.metrics.empty()) return true;
    return std::find(options.metrics.begin(), options.metrics.end(), name) != options.metrics.end();
  };
  std::map<std::string, const CaseResult*> head_by_id;
  for (const auto& c : head.cases) head_by_id[c.spec.id] = &c;
  std::map<std::string, bool> in_base;

  for (const auto& b : base.cases) {
    if (!wanted_case(b.spec.id)) continue;
    in_base[b.spec.id] = true;
    CaseComparison cc;
    cc.id = b.spec.id;
    cc.family = b.spec.family;
    cc.scenario = b.spec.scenario;
    cc.base_status = b.status;
    auto it = head_by_id.find(b.spec.id);
    if (it == head_by_id.end()) {
      cc.presence = Presence::removed;
      comparison.cases.push_back(std::move(cc));
      continue;
    }
    const CaseResult& h = *it->second;
    cc.head_status = h.status;
    cc.head_reason = h.reason;
    if (b.status == CaseStatus::ok && h.status == CaseStatus::ok) {
      for (const auto& bm : b.metrics) {
        if (!wanted_metric(bm.spec.name)) continue;
        const MetricResult* hm = h.find_metric(bm.spec.name);
        if (!hm || bm.samples.empty() || hm->samples.empty()) continue;
        MetricComparison mc;
        mc.spec = bm.spec;
        mc.base = stats::summarize(bm.samples);
        mc.head = stats::summarize(hm->samples);
        mc.delta = relative_change(mc.base.median, mc.head.median);
        const auto test = stats::mann_whitney(bm.samples, hm->samples);
        mc.p_value = test.p_value;
        mc.exact = test.exact;
        mc.smallest_p = stats::smallest_attainable_p(bm.samples.size(), hm->samples.size());
        mc.unstable = mc.base.cv > stats::kUnstableCv || mc.head.cv > stats::kUnstableCv;
        cc.metrics.push_back(std::move(mc));
      }
    }
    comparison.cases.push_back(std::move(cc));
  }
  for (const auto& h : head.cases) {
    if (!wanted_case(h.spec.id) || in_base.count(h.spec.id)) continue;
    CaseComparison cc;
    cc.id = h.spec.id;
    cc.family = h.spec.family;
    cc.scenario = h.spec.scenario;
    cc.presence = Presence::added;
    cc.head_status = h.status;
    cc.head_reason = h.reason;
    comparison.cases.push_back(std::move(cc));
  }

  // Correct each metric's p-values across the cases that measured it, then judge.
  std::vector<std::string> metric_order;  // first appearance, so geomean rows follow table order
  std::map<std::string, std::vector<MetricComparison*>> by_metric;
  for (auto& cc : comparison.cases) {
    for (auto& mc : cc.metrics) {
      auto& group = by_metric[mc.spec.name];
      if (group.empty()) metric_order.push_back(mc.spec.name);
      group.push_back(&mc);
    }
  }
  for (const auto& name : metric_order) {
    auto& group = by_metric[name];
    std::vector<double> raw;
    for (const auto* mc : group) raw.push_back(mc->p_value);
    const auto adjusted = stats::adjust_p_values(raw, options.correction);
    for (std::size_t i = 0; i < group.size(); ++i) {
      MetricComparison& mc = *group[i];
      mc.p_adjusted = adjusted[i];
      mc.verdict = judge(mc.delta, mc.p_adjusted, mc.spec.better, options.alpha, options.min_change);
    }
    // Geometric mean of ratios over cases with positive medians on both sides.
    GeometricMean gm;
    gm.metric = name;
    gm.unit = group.front()->spec.unit;
    gm.better = group.front()->spec.better;
    double log_sum = 0;
    for (const auto* mc : group) {
      if (mc->base.median > 0 && mc->head.median > 0) {
        log_sum += std::log(mc->head.median / mc->base.median);
        ++gm.cases;
      }
    }
    if (gm.cases > 0) {
      gm.ratio = std::exp(log_sum / gm.cases);
      comparison.geomeans.push_back(gm);
    }
  }
  return comparison;
}

}  // namespace velo::report

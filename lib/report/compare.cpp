#include "report/compare.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <span>

#include "core/count_metric.hpp"
#include "core/text.hpp"
#include "stats/mann_whitney.hpp"
#include "stats/signed_rank.hpp"

namespace velo::report {

std::string_view to_string(Verdict verdict) {
  switch (verdict) {
    case Verdict::same: return "same";
    case Verdict::better: return "better";
    case Verdict::worse: return "worse";
  }
  return "?";
}

std::string_view to_string(Test test) {
  switch (test) {
    case Test::mann_whitney: return "mann_whitney";
    case Test::signed_rank: return "signed_rank";
    case Test::exact_count: return "exact_count";
    case Test::exact_by_repetition: return "exact_by_repetition";
  }
  return "?";
}

bool is_exact(Test test) { return test == Test::exact_count || test == Test::exact_by_repetition; }

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

bool is_pair(const Report& base, const Report& head) {
  return base.pairing && head.pairing && base.pairing->run_id == head.pairing->run_id;
}

std::vector<double> fork_medians(const CaseResult& result, const MetricResult& metric) {
  std::vector<std::size_t> shares;
  if (const auto it = result.details.find("fork_repetitions"); it != result.details.end() && it->is_array()) {
    for (const auto& share : *it) {
      if (!share.is_number_integer() || share.get<std::int64_t>() < 1) return {};
      shares.push_back(share.get<std::size_t>());
    }
  } else {
    shares.push_back(metric.samples.size());
  }
  std::vector<double> medians;
  std::size_t at = 0;
  for (std::size_t share : shares) {
    if (share == 0 || share > metric.samples.size() - at) return {};
    const std::span<const double> fork(metric.samples.data() + at, share);
    medians.push_back(stats::summarize(fork).median);
    at += share;
  }
  if (at != metric.samples.size()) return {};
  return medians;
}

namespace {

// The paired test of one metric: per fork, log(head/base) of the fork medians when
// every median is positive (time-varying noise acts as a factor), head - base
// otherwise (counts that can be 0). Nothing when the forks cannot be paired.
struct PairedTest {
  stats::SignedRank result;
  int pairs = 0;
  double smallest_p = 1;
};

std::optional<PairedTest> test_paired(const CaseResult& b, const MetricResult& bm, const CaseResult& h,
                                      const MetricResult& hm) {
  const auto base_forks = fork_medians(b, bm);
  const auto head_forks = fork_medians(h, hm);
  if (base_forks.size() < 2 || base_forks.size() != head_forks.size()) return std::nullopt;
  const bool positive = std::all_of(base_forks.begin(), base_forks.end(), [](double x) { return x > 0; }) &&
                        std::all_of(head_forks.begin(), head_forks.end(), [](double x) { return x > 0; });
  std::vector<double> differences;
  for (std::size_t k = 0; k < base_forks.size(); ++k) {
    differences.push_back(positive ? std::log(head_forks[k] / base_forks[k]) : head_forks[k] - base_forks[k]);
  }
  return PairedTest{stats::wilcoxon_signed_rank(differences), static_cast<int>(differences.size()),
                    stats::smallest_attainable_signed_rank_p(differences.size())};
}

// The fewest pairs whose smallest attainable p gets below `flaggable_p`.
int pairs_needed(double flaggable_p) {
  int n = 2;
  while (n < 64 && stats::smallest_attainable_signed_rank_p(static_cast<std::size_t>(n)) >= flaggable_p) ++n;
  return n;
}

}  // namespace

bool exact_counts(const MetricResult& base, const MetricResult& head) {
  if (!metrics::is_count_metric(base.spec.name)) return false;
  auto constant = [](const std::vector<double>& samples) {
    return !samples.empty() && std::all_of(samples.begin(), samples.end(), [&](double v) { return v == samples.front(); });
  };
  return constant(base.samples) && constant(head.samples);
}

std::vector<double> repetition_changes(const CaseResult& base, const MetricResult& base_metric,
                                       const CaseResult& head, const MetricResult& head_metric) {
  // Only Valgrind's counts are known to repeat by repetition index; the CPU's counters
  // (--measure counters) vary, and two noisy pairs can agree by chance.
  const auto& simulated = metrics::simulated_metrics();
  const bool callgrind = std::any_of(simulated.begin(), simulated.end(),
                                     [&](const MetricSpec& m) { return m.name == base_metric.spec.name; });
  const MeasureSettings& measure = base.spec.settings.measure;
  if (!callgrind || base_metric.spec.name != head_metric.spec.name || measure.mode != MeasureMode::instructions ||
      measure.threaded || !(measure == head.spec.settings.measure)) {
    return {};
  }
  // The same layout: as many samples, split the same way over forks (the samples are
  // in fork order, each fork's in repetition order; absent means one fork).
  auto shares = [](const CaseResult& c) {
    const auto it = c.details.find("fork_repetitions");
    return it == c.details.end() ? nlohmann::json() : *it;
  };
  if (base_metric.samples.empty() || base_metric.samples.size() != head_metric.samples.size() ||
      shares(base) != shares(head)) {
    return {};
  }
  std::vector<double> changes;
  for (std::size_t i = 0; i < base_metric.samples.size(); ++i) {
    changes.push_back(relative_change(base_metric.samples[i], head_metric.samples[i]));
  }
  return changes;
}

bool repetitions_agree(const std::vector<double>& changes, double threshold) {
  if (changes.empty()) return false;
  auto within = [&](double d) { return std::fabs(d) <= threshold; };  // NaN: neither within nor beyond
  if (std::all_of(changes.begin(), changes.end(), within)) return true;
  return std::all_of(changes.begin(), changes.end(), [&](double d) { return d > threshold; }) ||
         std::all_of(changes.begin(), changes.end(), [&](double d) { return d < -threshold; });
}

void judge_exact_count(MetricComparison& mc, double threshold) {
  // No sampling noise: a change is certain (p 0), no change is p 1, and whether it
  // matters is the threshold's call alone.
  mc.p_value = mc.p_adjusted = mc.delta != 0 ? 0.0 : 1.0;
  mc.smallest_p = 0;
  mc.exact = true;
  mc.verdict = judge(mc.delta, mc.p_adjusted, mc.spec.better, 1.0, threshold);
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

namespace {

std::string first_ids(const std::vector<std::string>& ids) {
  constexpr std::size_t kShown = 3;
  std::vector<std::string> shown(ids.begin(), ids.begin() + static_cast<std::ptrdiff_t>(std::min(ids.size(), kShown)));
  std::string text = join(shown, ", ");
  if (ids.size() > kShown) text += fmt::format(" and {} more", ids.size() - kShown);
  return text;
}

bool profiled(const Report& report) {
  return std::any_of(report.cases.begin(), report.cases.end(), [](const CaseResult& c) {
    return c.details.is_object() && c.details.contains("profile");
  });
}

}  // namespace

Status check_comparable(const Report& base, const Report& head, const CompareOptions& options) {
  auto wanted = [&](const std::string& id) { return !options.filter || options.filter->search(id); };
  std::map<std::string, const CaseResult*> head_by_id;
  for (const auto& c : head.cases) {
    if (wanted(c.spec.id)) head_by_id.emplace(c.spec.id, &c);
  }
  const std::string filtered = options.filter ? fmt::format(" matching --filter '{}'", options.filter->text()) : "";
  std::vector<std::string> base_ids, missing;
  for (const auto& b : base.cases) {
    if (!wanted(b.spec.id)) continue;
    base_ids.push_back(b.spec.id);
    const auto it = head_by_id.find(b.spec.id);
    if (it == head_by_id.end()) {
      missing.push_back(b.spec.id);
      continue;
    }
    for (const auto& bm : b.metrics) {
      const MetricResult* hm = it->second->find_metric(bm.spec.name);
      if (!hm) continue;
      if (hm->spec.unit != bm.spec.unit || hm->spec.better != bm.spec.better) {
        return make_error(fmt::format(
            "metric '{}' of case '{}' is in '{}' ({} is better) in BASE but in '{}' ({} is better) in HEAD; velo "
            "does not convert between units: measure both sides with the same velo",
            bm.spec.name, b.spec.id, bm.spec.unit, to_string(bm.spec.better), hm->spec.unit,
            to_string(hm->spec.better)));
      }
    }
  }
  if (base_ids.empty()) {
    return make_error(fmt::format("BASE has no cases{} to compare; a comparison of nothing is not a pass", filtered));
  }
  const std::size_t matched = base_ids.size() - missing.size();
  if (matched == 0) {
    std::vector<std::string> head_ids;
    for (const auto& [id, result] : head_by_id) head_ids.push_back(id);
    return make_error(fmt::format(
        "BASE and HEAD share no case{}: BASE has {} ({}), HEAD has {}{}; a comparison of nothing is not a pass "
        "(were the cases renamed, or the runs given different scenarios or --filter?)",
        filtered, base_ids.size(), first_ids(base_ids), head_ids.size(),
        head_ids.empty() ? "" : fmt::format(" ({})", first_ids(head_ids))));
  }
  const double share = static_cast<double>(matched) / static_cast<double>(base_ids.size());
  if (!options.allow_missing && share < kMinMatchedShare) {
    return make_error(fmt::format(
        "only {} of BASE's {} cases{} are in HEAD (missing: {}); fewer than {:.0f}% matched, so most of BASE "
        "would go unchecked: pass --allow-missing to compare what matches anyway",
        matched, base_ids.size(), filtered, first_ids(missing), kMinMatchedShare * 100));
  }
  return {};
}

std::vector<std::string> run_differences(const Report& base, const Report& head) {
  std::vector<std::string> warnings;
  if (base.pairing && head.pairing && base.pairing->role == head.pairing->role) {
    warnings.push_back(fmt::format("both reports are the '{}' side of a paired run: is one of them the wrong file?",
                                   base.pairing->role));
  }
  const auto& vb = base.provenance.velo_version;
  const auto& vh = head.provenance.velo_version;
  if (vb != vh) {
    warnings.push_back(fmt::format("velo version differs: '{}' (base) vs '{}' (head); metrics may be measured "
                                   "differently", vb, vh));
  }
  if (profiled(base) != profiled(head)) {
    warnings.push_back(fmt::format("only the {} report was profiled: sampling costs time, so its cases look slower",
                                   profiled(base) ? "base" : "head"));
  }
  auto modes = [](const Report& report) {
    std::set<std::string> seen;
    for (const auto& c : report.cases) seen.insert(std::string(to_string(c.spec.settings.measure.mode)));
    return join(std::vector<std::string>(seen.begin(), seen.end()), "+");
  };
  if (!base.cases.empty() && !head.cases.empty() && modes(base) != modes(head)) {
    warnings.push_back(fmt::format("the reports were measured in different modes: {} (base) vs {} (head); counts "
                                   "of instructions under Valgrind and of the CPU's counters are not the same "
                                   "measurement (docs/deterministic.md)", modes(base), modes(head)));
  }
  std::map<std::string, int> base_repetitions;
  for (const auto& c : base.cases) base_repetitions.emplace(c.spec.id, c.spec.settings.repetitions);
  std::vector<std::string> differing;
  std::string first;
  for (const auto& c : head.cases) {
    const auto it = base_repetitions.find(c.spec.id);
    if (it == base_repetitions.end() || it->second == c.spec.settings.repetitions) continue;
    if (differing.empty()) first = fmt::format("{}: {} vs {}", c.spec.id, it->second, c.spec.settings.repetitions);
    differing.push_back(c.spec.id);
  }
  if (!differing.empty()) {
    warnings.push_back(fmt::format("{} case{} ran a different number of repetitions in base and head (first: {})",
                                   differing.size(), differing.size() == 1 ? "" : "s", first));
  }
  return warnings;
}

Comparison compare_reports(const Report& base, const Report& head, const CompareOptions& options) {
  Comparison comparison;
  comparison.options = options;
  comparison.warnings = environment_differences(base, head);
  for (auto& warning : run_differences(base, head)) comparison.warnings.push_back(std::move(warning));
  comparison.paired = options.use_pairing && is_pair(base, head);
  std::set<std::string> unpaired;  // cases of a paired run whose forks could not be paired
  std::map<std::pair<std::string, std::string>, PairedTest> paired_tests;  // by (case, metric)
  std::set<std::string> too_few_forks;  // cases whose paired test could not get through the correction
  int too_few_pairs = 0, forks_needed = 0;

  auto wanted_case = [&](const std::string& id) { return !options.filter || options.filter->search(id); };
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
      cc.threads_apart = b.threads_apart() || h.threads_apart();
      cc.forks_disagree = b.forks_disagree() || h.forks_disagree();
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
        if (comparison.paired) {
          if (auto paired = test_paired(b, bm, h, *hm)) {
            paired_tests[{b.spec.id, bm.spec.name}] = *paired;
          } else {
            unpaired.insert(b.spec.id);
          }
        }
        mc.unstable = mc.base.cv > stats::kUnstableCv || mc.head.cv > stats::kUnstableCv;
        if (exact_counts(bm, *hm)) {
          mc.test = Test::exact_count;
        } else if (const auto changes = repetition_changes(b, bm, h, *hm);
                   repetitions_agree(changes, options.count_threshold)) {
          mc.test = Test::exact_by_repetition;
          mc.pairs = static_cast<int>(changes.size());
          mc.unstable = false;  // the samples differ by design, not by noise
        }
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

  if (!unpaired.empty()) {
    comparison.warnings.push_back(fmt::format(
        "{} case{} of the paired run had fewer than two forks on a side or unequal forks and {} tested unpaired "
        "(first: {}); measure with --forks 2 or more",
        unpaired.size(), unpaired.size() == 1 ? "" : "s", unpaired.size() == 1 ? "was" : "were", *unpaired.begin()));
  }

  // Correct each metric's p-values across the cases that measured it, then judge.
  std::vector<std::string> metric_order;  // first appearance, so geomean rows follow table order
  struct Row {
    const std::string* case_id;
    MetricComparison* mc;
  };
  std::map<std::string, std::vector<Row>> by_metric;
  for (auto& cc : comparison.cases) {
    for (auto& mc : cc.metrics) {
      auto& group = by_metric[mc.spec.name];
      if (group.empty()) metric_order.push_back(mc.spec.name);
      group.push_back({&cc.id, &mc});
    }
  }
  for (const auto& name : metric_order) {
    auto& group = by_metric[name];
    // Holm multiplies the smallest p by the number of cases, and so does BH when
    // only one case changes; a case changing alone must get below alpha / cases.
    const double flaggable_p = options.correction == stats::Correction::none
                                   ? options.alpha
                                   : options.alpha / static_cast<double>(group.size());
    // A paired run is tested paired wherever that test can reach significance at all;
    // chosen from the number of forks and cases only, never from the data.
    for (const auto& [case_id, mc] : group) {
      mc->flaggable_p = flaggable_p;
      if (is_exact(mc->test)) continue;
      const auto it = paired_tests.find({*case_id, name});
      if (it == paired_tests.end()) continue;
      const PairedTest& paired = it->second;
      if (paired.smallest_p >= flaggable_p) {
        if (too_few_forks.empty()) too_few_pairs = paired.pairs;
        too_few_forks.insert(*case_id);
        forks_needed = std::max(forks_needed, pairs_needed(flaggable_p));
        continue;
      }
      mc->test = Test::signed_rank;
      mc->pairs = paired.pairs;
      mc->p_value = paired.result.p_value;
      mc->exact = paired.result.exact;
      mc->smallest_p = paired.smallest_p;
    }
    // Exact counts are judged apart (judge_exact_count) and take no part in the
    // correction: they are not tests, and would only make the others' bar higher.
    std::vector<MetricComparison*> tested;
    for (const auto& row : group) {
      if (is_exact(row.mc->test)) judge_exact_count(*row.mc, options.count_threshold);
      else tested.push_back(row.mc);
    }
    std::vector<double> raw;
    for (const MetricComparison* mc : tested) raw.push_back(mc->p_value);
    const auto adjusted = stats::adjust_p_values(raw, options.correction);
    for (std::size_t i = 0; i < tested.size(); ++i) {
      MetricComparison& mc = *tested[i];
      mc.p_adjusted = adjusted[i];
      mc.verdict = judge(mc.delta, mc.p_adjusted, mc.spec.better, options.alpha, options.min_change);
    }
    // Geometric mean of ratios over cases with positive medians on both sides.
    GeometricMean gm;
    gm.metric = name;
    gm.unit = group.front().mc->spec.unit;
    gm.better = group.front().mc->spec.better;
    double log_sum = 0;
    for (const auto& [case_id, mc] : group) {
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
  if (!too_few_forks.empty()) {
    const std::string bar = options.correction == stats::Correction::none
                                ? fmt::format("alpha {}", options.alpha)
                                : fmt::format("the p-value the {} correction across this many cases needs",
                                              to_string(options.correction));
    comparison.warnings.push_back(fmt::format(
        "{} case{} of the paired run {} tested unpaired (Mann-Whitney U over the samples) because {} paired forks "
        "can never reach {} (first: {}); measure with --forks {} or more to test them fork by fork",
        too_few_forks.size(), too_few_forks.size() == 1 ? "" : "s", too_few_forks.size() == 1 ? "was" : "were",
        too_few_pairs, bar, *too_few_forks.begin(), forks_needed));
  }
  return comparison;
}

}  // namespace velo::report

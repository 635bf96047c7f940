#include "report/gate.hpp"

#include "core/count_metric.hpp"

#include <fmt/format.h>
#include <toml++/toml.h>

#include <algorithm>
#include <cmath>

#include "core/count_metric.hpp"
#include "core/input_file.hpp"
#include "core/text.hpp"
#include "scenario/gate_table.hpp"

namespace velo::report {

std::string_view to_string(FindingKind kind) {
  switch (kind) {
    case FindingKind::regression: return "regression";
    case FindingKind::improvement: return "improvement";
    case FindingKind::broke: return "broke";
    case FindingKind::removed: return "removed";
    case FindingKind::added: return "added";
    case FindingKind::unconfirmed: return "unconfirmed";
  }
  return "?";
}

std::vector<std::string> GatePolicy::gated_metrics() const {
  if (!metrics.empty()) return metrics;
  return {std::string(metrics::ns_per_op)};
}

std::pair<double, std::string> GatePolicy::threshold(const std::string& case_id, const std::string& scenario,
                                                     const std::string& metric) const {
  auto applies = [&](const GateRule& rule) { return !rule.scenario || *rule.scenario == scenario; };
  auto matches = [&](const GateRule& rule) { return rule.pattern && rule.pattern->search(case_id); };
  for (const auto& rule : rules) {
    if (applies(rule) && matches(rule) && rule.metric == metric) return {rule.max_regression, rule.origin};
  }
  for (const auto& rule : rules) {
    if (applies(rule) && matches(rule) && !rule.metric) return {rule.max_regression, rule.origin};
  }
  for (const auto& rule : rules) {
    if (applies(rule) && !rule.pattern && rule.metric == metric) return {rule.max_regression, rule.origin};
  }
  // The global level: the command line, then the gate file, then the scenario's [gate].
  if (cli_max_regression) return {*cli_max_regression, "--max-regression"};
  if (max_regression) return {*max_regression, "gate file"};
  for (const auto& rule : rules) {
    if (applies(rule) && !rule.pattern && !rule.metric) return {rule.max_regression, rule.origin};
  }
  return {0.05, "default"};
}

namespace {

// Adds what one gate table says to `policy`. A gate file's global threshold is the
// policy's; a scenario's becomes a rule that applies to that scenario's cases only.
void apply(GateTable table, const std::string& file, std::optional<std::string> scenario, GatePolicy& policy) {
  const std::string origin = scenario ? fmt::format("scenario '{}' [gate]", *scenario) : file;
  if (table.max_regression) {
    if (scenario) {
      policy.rules.push_back({.origin = origin, .scenario = scenario, .max_regression = *table.max_regression});
    } else {
      policy.max_regression = table.max_regression;
    }
  }
  for (auto& metric : table.metrics) {
    if (std::find(policy.metrics.begin(), policy.metrics.end(), metric) == policy.metrics.end()) {
      policy.metrics.push_back(std::move(metric));
    }
  }
  for (auto& rule : table.metric_rules) {
    policy.rules.push_back({.origin = fmt::format("{} [metric.{}]", origin, rule.metric), .scenario = scenario,
                            .metric = std::move(rule.metric), .max_regression = rule.max_regression});
  }
  for (auto& rule : table.case_rules) {
    policy.rules.push_back({.origin = scenario ? origin : fmt::format("{}:{}", file, rule.line),
                            .scenario = scenario,
                            .pattern = std::move(rule.pattern),
                            .metric = std::move(rule.metric),
                            .max_regression = rule.max_regression});
  }
  if (table.alpha) policy.compare.alpha = *table.alpha;
  if (table.min_change) policy.compare.min_change = *table.min_change;
  if (table.correction) {
    policy.compare.correction = *table.correction == "holm" ? stats::Correction::holm
                                : *table.correction == "bh" ? stats::Correction::benjamini_hochberg
                                                            : stats::Correction::none;
  }
}

// JSON (as stored in reports) back to a toml table so one reader serves both. The
// report reader bounds the nesting (kMaxJsonDepth), so this recursion is shallow.
std::unique_ptr<toml::node> json_to_toml(const nlohmann::json& value) {
  if (value.is_object()) {
    auto table = std::make_unique<toml::table>();
    for (const auto& [k, v] : value.items()) table->insert(k, *json_to_toml(v));
    return table;
  }
  if (value.is_array()) {
    auto array = std::make_unique<toml::array>();
    for (const auto& v : value) array->push_back(*json_to_toml(v));
    return array;
  }
  if (value.is_string()) return std::make_unique<toml::value<std::string>>(value.get<std::string>());
  if (value.is_boolean()) return std::make_unique<toml::value<bool>>(value.get<bool>());
  if (value.is_number_integer()) return std::make_unique<toml::value<std::int64_t>>(value.get<std::int64_t>());
  if (value.is_number()) return std::make_unique<toml::value<double>>(value.get<double>());
  return std::make_unique<toml::value<std::string>>("");
}

}  // namespace

Status load_gate_file(const std::string& path, GatePolicy& policy) {
  auto text = read_input_file(path, "gate file", kMaxScenarioFileBytes);
  if (!text.ok()) return text.error();
  toml::table root;
  try {
    root = toml::parse(*text, path);
  } catch (const toml::parse_error& e) {
    const auto& src = e.source();
    return make_error(std::string(e.description()),
                      {path, static_cast<int>(src.begin.line), static_cast<int>(src.begin.column)});
  }
  // A gate file may put everything under a top-level [gate] table, or at top level.
  const toml::table* gate = root["gate"].as_table();
  auto table = read_gate_table(gate && root.size() == 1 ? *gate : root, path, GateSource::gate_file);
  if (!table.ok()) return table.error();
  apply(std::move(*table), path, std::nullopt, policy);
  return {};
}

Status add_scenario_gate(const std::string& scenario, const nlohmann::json& table, GatePolicy& policy) {
  if (table.is_null()) return {};
  if (!table.is_object()) return make_error(fmt::format("scenario '{}': [gate] must be a table", scenario));
  auto node = json_to_toml(table);
  const std::string source = fmt::format("scenario '{}'", scenario);
  auto read = read_gate_table(*node->as_table(), source, GateSource::scenario);
  if (!read.ok()) return read.error();
  apply(std::move(*read), source, scenario, policy);
  return {};
}

bool GateResult::passed() const { return regressions() == 0; }

int GateResult::regressions() const {
  return static_cast<int>(std::count_if(findings.begin(), findings.end(), [](const GateFinding& f) {
    return f.kind == FindingKind::regression || f.kind == FindingKind::broke;
  }));
}

std::optional<std::string> single_process_warning(const Report& base, const Report& head) {
  int single = 0, measured = 0;
  for (const Report* report : {&base, &head}) {
    for (const auto& c : report->cases) {
      if (c.status != CaseStatus::ok || c.spec.settings.repetitions < 2) continue;
      if (c.spec.settings.measure.deterministic()) continue;  // counts do not vary by process
      ++measured;
      if (c.spec.settings.forks == 1) ++single;
    }
  }
  if (single == 0) return std::nullopt;
  return fmt::format("{} of {} measured cases ran all their repetitions in one worker process (forks = 1): the test "
                     "cannot see how results vary from one process to the next and will flag that variation as "
                     "change; measure gated runs with `velo run --forks 10` (docs/gate.md, \"Forks\")",
                     single, measured);
}

namespace {

// A [[case]] or [metric.NAME] rule that names `metric` and applies to this case.
bool names_metric(const GatePolicy& policy, const std::string& case_id, const std::string& scenario,
                  const std::string& metric) {
  return std::any_of(policy.rules.begin(), policy.rules.end(), [&](const GateRule& rule) {
    return rule.metric == metric && (!rule.scenario || *rule.scenario == scenario) &&
           (!rule.pattern || rule.pattern->search(case_id));
  });
}

}  // namespace

std::pair<double, std::string> applied_threshold(const GatePolicy& policy, const CaseComparison& cc,
                                                 const MetricComparison& mc) {
  auto applied = policy.threshold(cc.id, cc.scenario, mc.spec.name);
  if (is_exact(mc.test) && !names_metric(policy, cc.id, cc.scenario, mc.spec.name)) {
    applied = {policy.compare.count_threshold, "count threshold"};
  }
  return applied;
}

GateResult evaluate_gate(const Report& base, const Report& head, const GatePolicy& policy) {
  GateResult result;
  CompareOptions options = policy.compare;
  result.comparison = compare_reports(base, head, options);
  if (auto warning = single_process_warning(base, head)) result.comparison.warnings.push_back(std::move(*warning));
  auto gated = policy.gated_metrics();
  // A case measured in instructions (docs/deterministic.md) has no ns_per_op: by
  // default its instruction count is gated instead.
  if (policy.metrics.empty()) gated.emplace_back(metrics::instructions_per_op);
  std::vector<GateFinding> regressions, improvements, others;
  for (const auto& cc : result.comparison.cases) {
    if (cc.presence == Presence::removed) {
      others.push_back({.kind = FindingKind::removed, .id = cc.id});
      continue;
    }
    if (cc.presence == Presence::added) {
      others.push_back({.kind = FindingKind::added, .id = cc.id});
      continue;
    }
    if (cc.broke()) {
      regressions.push_back({.kind = FindingKind::broke, .id = cc.id, .reason = fmt::format(
          "{} in head: {}", to_string(cc.head_status), cc.head_reason)});
      continue;
    }
    for (const auto& metric : gated) {
      const MetricComparison* mc = cc.find_metric(metric);
      if (!mc) continue;
      // Exact counts have their own, finer bar unless a rule names this metric.
      const auto [threshold, origin] = applied_threshold(policy, cc, *mc);
      const bool exact = is_exact(mc->test);
      GateFinding finding{.id = cc.id, .metric = metric, .unit = mc->spec.unit, .base_median = mc->base.median,
                          .head_median = mc->head.median, .delta = mc->delta, .threshold = threshold,
                          .threshold_origin = origin, .p_adjusted = mc->p_adjusted, .exact = exact,
                          .by_repetition = mc->test == Test::exact_by_repetition};
      // The same bar both ways: an improvement is reported when it is as large as a
      // regression would have to be, so the summary lists changes the gate stands behind.
      const double floor = exact ? threshold : std::max(threshold, options.min_change);
      const Verdict verdict = judge(mc->delta, mc->p_adjusted, mc->spec.better, options.alpha, floor);
      if (verdict == Verdict::worse) {
        finding.kind = FindingKind::regression;
        regressions.push_back(finding);
      } else if (verdict == Verdict::better) {
        finding.kind = FindingKind::improvement;
        improvements.push_back(finding);
      } else {
        ++result.unchanged;
        if (mc->underpowered()) ++result.underpowered;
      }
    }
  }
  auto by_size = [](const GateFinding& a, const GateFinding& b) { return std::fabs(a.delta) > std::fabs(b.delta); };
  std::stable_sort(regressions.begin(), regressions.end(), by_size);
  std::stable_sort(improvements.begin(), improvements.end(), by_size);
  result.findings = std::move(regressions);
  result.findings.insert(result.findings.end(), improvements.begin(), improvements.end());
  result.findings.insert(result.findings.end(), others.begin(), others.end());
  return result;
}

}  // namespace velo::report

namespace velo::report {

std::vector<std::string> suspects(const GateResult& result) {
  std::vector<std::string> ids;
  for (const auto& f : result.findings) {
    if ((f.kind == FindingKind::regression || f.kind == FindingKind::broke) &&
        std::find(ids.begin(), ids.end(), f.id) == ids.end()) {
      ids.push_back(f.id);
    }
  }
  return ids;
}

GateResult confirm(GateResult first, const GateResult& rerun, bool improvements_too) {
  auto agrees = [&](const GateFinding& f) {
    return std::any_of(rerun.findings.begin(), rerun.findings.end(), [&](const GateFinding& r) {
      return r.id == f.id && r.metric == f.metric && r.kind == f.kind;
    });
  };
  for (auto& f : first.findings) {
    const bool checked = f.kind == FindingKind::regression || f.kind == FindingKind::broke ||
                         (improvements_too && f.kind == FindingKind::improvement);
    if (checked && !agrees(f)) {
      f.kind = FindingKind::unconfirmed;
      f.reason = improvements_too ? "not reproduced by the second round (--confirm-with)"
                                  : "not reproduced by the --confirm rerun";
    }
  }
  // Regressions first, then the rest in their original order.
  std::stable_partition(first.findings.begin(), first.findings.end(), [](const GateFinding& f) {
    return f.kind == FindingKind::regression || f.kind == FindingKind::broke;
  });
  return first;
}

}  // namespace velo::report

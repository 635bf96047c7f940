#include "report/gate.hpp"

#include <fmt/format.h>
#include <toml++/toml.h>

#include <algorithm>
#include <charconv>
#include <cmath>

#include "core/atomic_file.hpp"
#include "core/text.hpp"

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

std::optional<double> parse_percent(std::string_view text) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  if (text.empty() || text.back() != '%') return std::nullopt;
  text.remove_suffix(1);
  double value = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || ptr != text.data() + text.size() || value < 0 || !std::isfinite(value)) {
    return std::nullopt;
  }
  return value / 100;
}

std::vector<std::string> GatePolicy::gated_metrics() const {
  if (!metrics.empty()) return metrics;
  return {std::string(metrics::ns_per_op)};
}

std::pair<double, std::string> GatePolicy::threshold(const std::string& case_id, const std::string& scenario,
                                                     const std::string& metric) const {
  auto applies = [&](const GateRule& rule) { return !rule.scenario || *rule.scenario == scenario; };
  auto matches = [&](const GateRule& rule) { return rule.pattern && std::regex_search(case_id, *rule.pattern); };
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

// A small reader over either a toml++ table (gate files, with locations) or the
// JSON a report stores for a scenario's [gate] (without). Both hold the same keys:
//   max_regression = "5%"    metrics = ["ns_per_op"]
//   [metric.NAME] max_regression = "0%"
//   [[case]] pattern = "regex"  metric = "NAME" (optional)  max_regression = "10%"
// A gate file may put all of this under a top-level [gate] table, or at top level.
const std::vector<std::string> kTopKeys = {"max_regression", "metrics", "metric", "case", "alpha", "min_change",
                                           "correction"};
const std::vector<std::string> kCaseKeys = {"pattern", "metric", "max_regression"};

Error unknown_key(const std::string& key, const std::vector<std::string>& known, SourceLocation where,
                  std::string_view table) {
  auto hint = closest_match(key, known);
  return make_error(fmt::format("unknown key '{}' in {}{}; expected one of: {}", key, table,
                                hint ? fmt::format(" (did you mean '{}'?)", *hint) : "", join(known, ", ")),
                    std::move(where));
}

SourceLocation at(const std::string& file, const toml::node& node) {
  const auto& src = node.source();
  return {file, static_cast<int>(src.begin.line), static_cast<int>(src.begin.column)};
}

Expected<double> percent_of(const toml::node& node, const std::string& file, std::string_view key) {
  const auto* text = node.as_string();
  auto value = text ? parse_percent(text->get()) : std::nullopt;
  if (!value) {
    return make_error(fmt::format("{}: expected a percentage string such as \"5%\"", key), at(file, node));
  }
  return *value;
}

Status read_gate_table(const toml::table& table, const std::string& file, GatePolicy& policy,
                       std::optional<std::string> scenario, bool top_level) {
  const std::string origin_base = scenario ? fmt::format("scenario '{}' [gate]", *scenario) : file;
  for (const auto& [key_node, node] : table) {
    const std::string key(key_node.str());
    if (key == "max_regression") {
      auto v = percent_of(node, file, key);
      if (!v.ok()) return v.error();
      if (scenario) {
        policy.rules.push_back({.origin = origin_base, .scenario = scenario, .max_regression = *v});
      } else {
        policy.max_regression = *v;
      }
    } else if (key == "metrics") {
      const auto* list = node.as_array();
      if (!list || list->empty()) return make_error("metrics: expected a non-empty list of metric names", at(file, node));
      for (const auto& item : *list) {
        const auto* name = item.as_string();
        if (!name) return make_error("metrics: expected metric names (strings)", at(file, item));
        if (std::find(policy.metrics.begin(), policy.metrics.end(), name->get()) == policy.metrics.end()) {
          policy.metrics.push_back(name->get());
        }
      }
    } else if (key == "metric") {
      const auto* metrics = node.as_table();
      if (!metrics) return make_error("metric: expected tables [metric.NAME]", at(file, node));
      for (const auto& [name, rule_node] : *metrics) {
        const auto* rule = rule_node.as_table();
        if (!rule) return make_error(fmt::format("metric.{}: expected a table", name.str()), at(file, rule_node));
        for (const auto& [k, v] : *rule) {
          if (k.str() != "max_regression") {
            return unknown_key(std::string(k.str()), {"max_regression"}, at(file, v), "[metric.NAME]");
          }
          auto value = percent_of(v, file, "max_regression");
          if (!value.ok()) return value.error();
          policy.rules.push_back({.origin = fmt::format("{} [metric.{}]", origin_base, name.str()),
                                  .scenario = scenario,
                                  .metric = std::string(name.str()),
                                  .max_regression = *value});
        }
      }
    } else if (key == "case") {
      const auto* cases = node.as_array();
      if (!cases) return make_error("case: expected [[case]] tables", at(file, node));
      for (const auto& item : *cases) {
        const auto* rule = item.as_table();
        if (!rule) return make_error("case: expected [[case]] tables", at(file, item));
        GateRule parsed{.origin = scenario ? origin_base : fmt::format("{}:{}", file, item.source().begin.line),
                        .scenario = scenario};
        bool has_threshold = false;
        for (const auto& [k, v] : *rule) {
          const std::string ck(k.str());
          if (ck == "pattern") {
            const auto* text = v.as_string();
            if (!text) return make_error("pattern: expected a regular expression string", at(file, v));
            try {
              parsed.pattern.emplace(text->get(), std::regex::ECMAScript);
              parsed.pattern_text = text->get();
            } catch (const std::regex_error& e) {
              return make_error(fmt::format("pattern: '{}' is not a valid regular expression: {}", text->get(),
                                            e.what()), at(file, v));
            }
          } else if (ck == "metric") {
            const auto* text = v.as_string();
            if (!text) return make_error("metric: expected a metric name", at(file, v));
            parsed.metric = text->get();
          } else if (ck == "max_regression") {
            auto value = percent_of(v, file, ck);
            if (!value.ok()) return value.error();
            parsed.max_regression = *value;
            has_threshold = true;
          } else {
            return unknown_key(ck, kCaseKeys, at(file, v), "[[case]]");
          }
        }
        if (!parsed.pattern) return make_error("[[case]] needs a pattern", at(file, item));
        if (!has_threshold) return make_error("[[case]] needs max_regression", at(file, item));
        policy.rules.push_back(std::move(parsed));
      }
    } else if (key == "alpha" && top_level) {
      const auto* value = node.as_floating_point();
      if (!value || value->get() <= 0 || value->get() >= 1) {
        return make_error("alpha: expected a number between 0 and 1, such as 0.05", at(file, node));
      }
      policy.compare.alpha = value->get();
    } else if (key == "min_change" && top_level) {
      auto v = percent_of(node, file, key);
      if (!v.ok()) return v.error();
      policy.compare.min_change = *v;
    } else if (key == "correction" && top_level) {
      const auto* text = node.as_string();
      const std::string name = text ? text->get() : "";
      if (name == "holm") policy.compare.correction = stats::Correction::holm;
      else if (name == "bh") policy.compare.correction = stats::Correction::benjamini_hochberg;
      else if (name == "none") policy.compare.correction = stats::Correction::none;
      else return make_error("correction: expected \"holm\", \"bh\" or \"none\"", at(file, node));
    } else {
      return unknown_key(key, kTopKeys, at(file, node), scenario ? "[gate]" : "the gate file");
    }
  }
  return {};
}

}  // namespace

Status load_gate_file(const std::string& path, GatePolicy& policy) {
  auto text = read_text_file(path);
  if (!text.ok()) return text.error();
  toml::table root;
  try {
    root = toml::parse(*text, path);
  } catch (const toml::parse_error& e) {
    const auto& src = e.source();
    return make_error(std::string(e.description()),
                      {path, static_cast<int>(src.begin.line), static_cast<int>(src.begin.column)});
  }
  if (const auto* gate = root["gate"].as_table(); gate && root.size() == 1) {
    return read_gate_table(*gate, path, policy, std::nullopt, true);
  }
  return read_gate_table(root, path, policy, std::nullopt, true);
}

namespace {
// JSON (as stored in reports) back to a toml table so one reader serves both.
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

Status add_scenario_gate(const std::string& scenario, const nlohmann::json& table, GatePolicy& policy) {
  if (table.is_null()) return {};
  if (!table.is_object()) return make_error(fmt::format("scenario '{}': [gate] must be a table", scenario));
  auto node = json_to_toml(table);
  return read_gate_table(*node->as_table(), fmt::format("scenario '{}'", scenario), policy, scenario, false);
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

GateResult evaluate_gate(const Report& base, const Report& head, const GatePolicy& policy) {
  GateResult result;
  CompareOptions options = policy.compare;
  result.comparison = compare_reports(base, head, options);
  if (auto warning = single_process_warning(base, head)) result.comparison.warnings.push_back(std::move(*warning));
  const auto gated = policy.gated_metrics();
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
      auto [threshold, origin] = policy.threshold(cc.id, cc.scenario, metric);
      GateFinding finding{.id = cc.id, .metric = metric, .unit = mc->spec.unit, .base_median = mc->base.median,
                          .head_median = mc->head.median, .delta = mc->delta, .threshold = threshold,
                          .threshold_origin = origin, .p_adjusted = mc->p_adjusted};
      // The same bar both ways: an improvement is reported when it is as large as a
      // regression would have to be, so the summary lists changes the gate stands behind.
      const double floor = std::max(threshold, options.min_change);
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

#include "scenario/gate_table.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>

#include "core/text.hpp"

namespace velo {

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

namespace {

const std::vector<std::string> kThresholdKeys = {"max_regression", "metrics", "metric", "case"};
const std::vector<std::string> kTestKeys = {"alpha", "min_change", "correction"};
const std::vector<std::string> kCaseKeys = {"pattern", "metric", "max_regression"};

SourceLocation at(const std::string& file, const toml::node& node) {
  const auto& src = node.source();
  return {file, static_cast<int>(src.begin.line), static_cast<int>(src.begin.column)};
}

Error unknown_key(const std::string& key, const std::vector<std::string>& known, SourceLocation where,
                  std::string_view table) {
  auto hint = closest_match(key, known);
  return make_error(fmt::format("unknown key '{}' in {}{}; expected one of: {}", key, table,
                                hint ? fmt::format(" (did you mean '{}'?)", *hint) : "", join(known, ", ")),
                    std::move(where));
}

Expected<double> percent_of(const toml::node& node, const std::string& file, std::string_view key) {
  const auto* text = node.as_string();
  auto value = text ? parse_percent(text->get()) : std::nullopt;
  if (!value) {
    return make_error(fmt::format("{}: expected a percentage string such as \"5%\"", key), at(file, node));
  }
  return *value;
}

Status read_case_rules(const toml::node& node, const std::string& file, GateTable& out) {
  const auto* cases = node.as_array();
  if (!cases) return make_error("case: expected [[case]] tables", at(file, node));
  for (const auto& item : *cases) {
    const auto* rule = item.as_table();
    if (!rule) return make_error("case: expected [[case]] tables", at(file, item));
    std::optional<Pattern> pattern;
    std::optional<std::string> metric;
    std::optional<double> max_regression;
    for (const auto& [k, v] : *rule) {
      const std::string key(k.str());
      if (key == "pattern") {
        const auto* text = v.as_string();
        if (!text) return make_error("pattern: expected a regular expression string", at(file, v));
        auto compiled = Pattern::compile(text->get(), "pattern", at(file, v));
        if (!compiled.ok()) return compiled.error();
        pattern = std::move(*compiled);
      } else if (key == "metric") {
        const auto* text = v.as_string();
        if (!text) return make_error("metric: expected a metric name", at(file, v));
        metric = text->get();
      } else if (key == "max_regression") {
        auto value = percent_of(v, file, key);
        if (!value.ok()) return value.error();
        max_regression = *value;
      } else {
        return unknown_key(key, kCaseKeys, at(file, v), "[[case]]");
      }
    }
    if (!pattern) return make_error("[[case]] needs a pattern", at(file, item));
    if (!max_regression) return make_error("[[case]] needs max_regression", at(file, item));
    out.case_rules.push_back({.pattern = std::move(*pattern), .metric = std::move(metric),
                              .max_regression = *max_regression,
                              .line = static_cast<int>(item.source().begin.line)});
  }
  return {};
}

}  // namespace

Expected<GateTable> read_gate_table(const toml::table& table, const std::string& file, GateSource source) {
  GateTable out;
  const bool gate_file = source == GateSource::gate_file;
  const std::string table_name = gate_file ? "the gate file" : "[gate]";
  for (const auto& [key_node, node] : table) {
    const std::string key(key_node.str());
    if (key == "max_regression") {
      auto v = percent_of(node, file, key);
      if (!v.ok()) return v.error();
      out.max_regression = *v;
    } else if (key == "metrics") {
      const auto* list = node.as_array();
      if (!list || list->empty()) {
        return make_error("metrics: expected a non-empty list of metric names", at(file, node));
      }
      for (const auto& item : *list) {
        const auto* name = item.as_string();
        if (!name) return make_error("metrics: expected metric names (strings)", at(file, item));
        if (std::find(out.metrics.begin(), out.metrics.end(), name->get()) == out.metrics.end()) {
          out.metrics.push_back(name->get());
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
          out.metric_rules.push_back({.metric = std::string(name.str()), .max_regression = *value});
        }
      }
    } else if (key == "case") {
      if (auto s = read_case_rules(node, file, out); !s) return s.error();
    } else if (std::find(kTestKeys.begin(), kTestKeys.end(), key) != kTestKeys.end() && !gate_file) {
      return make_error(fmt::format("'{}' cannot be set in a scenario's [gate]: the test's settings belong to the "
                                    "CI job (a gate file or `velo gate --{}`); [gate] takes {}",
                                    key, key == "min_change" ? "min-change" : key, join(kThresholdKeys, ", ")),
                        at(file, node));
    } else if (key == "alpha") {
      const auto* value = node.as_floating_point();
      if (!value || !(value->get() > 0) || !(value->get() < 1)) {
        return make_error("alpha: expected a number between 0 and 1, such as 0.05", at(file, node));
      }
      out.alpha = value->get();
    } else if (key == "min_change") {
      auto v = percent_of(node, file, key);
      if (!v.ok()) return v.error();
      out.min_change = *v;
    } else if (key == "correction") {
      const auto* text = node.as_string();
      const std::string name = text ? text->get() : "";
      if (name != "holm" && name != "bh" && name != "none") {
        return make_error("correction: expected \"holm\", \"bh\" or \"none\"", at(file, node));
      }
      out.correction = name;
    } else {
      std::vector<std::string> known = kThresholdKeys;
      if (gate_file) known.insert(known.end(), kTestKeys.begin(), kTestKeys.end());
      return unknown_key(key, known, at(file, node), table_name);
    }
  }
  return out;
}

}  // namespace velo

// Reading one scenario file (TOML, docs/scenario-format.md) into a Scenario.
//
// The checks run table by table ([scenario], [run], [profile], [gate], [params],
// [[variant]]; keys within a table in file order) and stop at the first problem: the user fixes
// one thing at a time and is never shown a cascade of follow-on errors. Once the
// file is well-formed, every point of its parameter matrix is expanded against the
// family (scenario_detail::expand_scenario), so a file that parses is a file that runs.
#include "scenario/scenario.hpp"

#include <algorithm>
#include <climits>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <set>

#include <fmt/format.h>

#include "core/input_file.hpp"
#include "core/text.hpp"
#include "families/external/command_line.hpp"
#include "families/external/command_variant.hpp"
#include "scenario/argv_param.hpp"
#include "scenario/expand.hpp"
#include "scenario/gate_table.hpp"
#include "scenario/plugin_hook.hpp"
#include "scenario/toml_util.hpp"

namespace velo {
namespace {

using scenario_detail::location_of;
using scenario_detail::ParamSources;
using scenario_detail::ScenarioSources;
using scenario_detail::type_name;

class Parser {
 public:
  Parser(const std::string& path, const Registry& registry) : path_(path), registry_(registry) {}

  Expected<Scenario> parse(std::string_view text);

 private:
  Error error_at(const toml::source_region& region, std::string message) const {
    return make_error(std::move(message), location_of(region, path_));
  }

  Status check_keys(const toml::table& table, std::string_view table_name,
                    const std::vector<std::string>& allowed) const;
  Expected<const toml::table*> sub_table(const toml::table& parent, std::string_view key) const;
  Expected<std::optional<std::string>> optional_string(const toml::table& table, std::string_view key,
                                                       std::string_view table_name) const;
  Expected<std::optional<bool>> optional_bool(const toml::table& table, std::string_view key,
                                              std::string_view table_name) const;
  Expected<std::optional<std::int64_t>> optional_integer(const toml::table& table, std::string_view key,
                                                         std::string_view table_name) const;
  Expected<std::optional<double>> optional_duration(const toml::table& table, std::string_view key,
                                                    bool zero_allowed) const;

  Status read_scenario_table(const toml::table& root, Scenario& out) const;
  Status read_plugins(const toml::table& table) const;
  Status read_run_table(const toml::table& root, Scenario& out) const;
  Status read_measure_keys(const toml::table& run, Scenario& out) const;
  Status read_params(const toml::table& table, std::string_view table_name,
                     std::vector<std::pair<std::string, std::vector<ParamValue>>>& out,
                     ParamSources& sources, const std::string& variant = {}, std::string_view impl = {}) const;
  // A parameter written as an argv (scenario/argv_param.hpp): its text, or an error.
  Expected<std::string> read_argv(const toml::array& list, const std::string& name,
                                  std::string_view table_name, const std::string& variant) const;
  Status check_argv_uses(const Scenario& scenario, const Family& family) const;
  Status read_variants(const toml::table& root, const Family& family, Scenario& out,
                       ScenarioSources& sources) const;
  Status read_profile_table(const toml::table& root, Scenario& out) const;

  const std::string& path_;
  const Registry& registry_;
  const Family* family_ = nullptr;
  // Every argv read, checked once all parameter names are known (check_argv_uses).
  struct ArgvUse {
    std::string key, table_name, variant;  // variant: "" for [params]
    std::vector<std::string> placeholders;
    toml::source_region where;
  };
  mutable std::vector<ArgvUse> argv_uses_;
  toml::source_region scenario_table_region_;
};

std::string wrong_type(std::string_view key, std::string_view table_name, std::string_view expected,
                       const toml::node& node) {
  return fmt::format("'{}' in {} must be {}, got {}", key, table_name, expected, type_name(node));
}

Status Parser::check_keys(const toml::table& table, std::string_view table_name,
                          const std::vector<std::string>& allowed) const {
  for (const auto& [key, value] : scenario_detail::entries_in_file_order(table)) {
    if (std::find(allowed.begin(), allowed.end(), key->str()) != allowed.end()) continue;
    std::string message = fmt::format("unknown key '{}' in {}", key->str(), table_name);
    if (auto hint = closest_match(key->str(), allowed)) {
      message += fmt::format("; did you mean '{}'?", *hint);
    } else {
      message += fmt::format("; expected one of: {}", join(allowed, ", "));
    }
    return error_at(key->source(), std::move(message));
  }
  return {};
}

Expected<const toml::table*> Parser::sub_table(const toml::table& parent, std::string_view key) const {
  const toml::node* node = parent.get(key);
  if (!node) return static_cast<const toml::table*>(nullptr);
  if (const auto* table = node->as_table()) return table;
  return error_at(node->source(), fmt::format("'{}' must be a table written [{}], got {}", key, key,
                                              type_name(*node)));
}

Expected<std::optional<std::string>> Parser::optional_string(const toml::table& table, std::string_view key,
                                                             std::string_view table_name) const {
  const toml::node* node = table.get(key);
  if (!node) return std::optional<std::string>{};
  if (const auto* text = node->as_string()) return std::optional<std::string>{text->get()};
  return error_at(node->source(), wrong_type(key, table_name, "a string", *node));
}

Expected<std::optional<bool>> Parser::optional_bool(const toml::table& table, std::string_view key,
                                                    std::string_view table_name) const {
  const toml::node* node = table.get(key);
  if (!node) return std::optional<bool>{};
  if (const auto* flag = node->as_boolean()) return std::optional<bool>{flag->get()};
  return error_at(node->source(), wrong_type(key, table_name, "true or false", *node));
}

Expected<std::optional<std::int64_t>> Parser::optional_integer(const toml::table& table, std::string_view key,
                                                               std::string_view table_name) const {
  const toml::node* node = table.get(key);
  if (!node) return std::optional<std::int64_t>{};
  if (const auto* number = node->as_integer()) return std::optional<std::int64_t>{number->get()};
  return error_at(node->source(), wrong_type(key, table_name, "an integer", *node));
}

Expected<std::optional<double>> Parser::optional_duration(const toml::table& table, std::string_view key,
                                                          bool zero_allowed) const {
  const toml::node* node = table.get(key);
  if (!node) return std::optional<double>{};
  if (node->is_integer() || node->is_floating_point()) {
    // A bare number is refused: "min_time = 100" could mean seconds or milliseconds.
    const std::string number =
        node->is_integer() ? fmt::format("{}", node->as_integer()->get()) : fmt::format("{}", node->as_floating_point()->get());
    return error_at(node->source(),
                    fmt::format("'{}' in [run] must be a duration string with a unit such as \"100ms\" or "
                                "\"0.5s\", got the bare number {}",
                                key, number));
  }
  const auto* text = node->as_string();
  if (!text) {
    return error_at(node->source(),
                    wrong_type(key, "[run]", "a duration string such as \"100ms\" or \"0.5s\"", *node));
  }
  const std::optional<double> seconds = parse_duration(text->get());
  if (!seconds) {
    return error_at(node->source(),
                    fmt::format("'{}' in [run] must be a duration such as \"100ms\", \"0.5s\" or \"2m\" "
                                "(units ns, us, ms, s, m), got \"{}\"",
                                key, text->get()));
  }
  if (!zero_allowed && *seconds <= 0) {
    return error_at(node->source(), fmt::format("'{}' in [run] must be greater than zero", key));
  }
  if (auto checked = read_duration(text->get(), zero_allowed); !checked.ok()) {
    return error_at(node->source(), fmt::format("'{}' in [run]: {}", key, checked.error().message));
  }
  return seconds;
}

Status Parser::read_scenario_table(const toml::table& root, Scenario& out) const {
  const toml::node* node = root.get("scenario");
  if (!node) {
    return make_error("missing [scenario] table: every scenario file needs [scenario] with a name and a family",
                      SourceLocation{path_, 1, 1});
  }
  const auto* table = node->as_table();
  if (!table) {
    return error_at(node->source(),
                    fmt::format("'scenario' must be a table written [scenario], got {}", type_name(*node)));
  }
  if (auto s = check_keys(*table, "[scenario]", {"name", "family", "description", "plugins"}); !s) return s;
  // First: a plugin may bring the family or the implementations named below.
  if (auto s = read_plugins(*table); !s) return s;

  auto name = optional_string(*table, "name", "[scenario]");
  if (!name) return name.error();
  if (!*name || (*name)->empty()) {
    return error_at(table->source(), "[scenario] needs a non-empty 'name' (a string): it names the scenario in "
                                     "reports and must be unique among the files of a run");
  }
  out.name = **name;
  if (auto bad = forbidden_name_character(out.name)) {
    return error_at(table->get("name")->source(),
                    fmt::format("scenario name contains {}: names appear in tables, progress lines and CSV", *bad));
  }

  auto family = optional_string(*table, "family", "[scenario]");
  if (!family) return family.error();
  if (!*family) {
    return error_at(table->source(), "[scenario] needs a 'family' (a string): the workload family to measure");
  }
  out.family = **family;
  if (!registry_.find(out.family)) {
    std::vector<std::string> known;
    for (const auto& f : registry_.families()) known.push_back(f.name);
    std::string message = fmt::format("unknown family '{}'", out.family);
    if (auto hint = closest_match(out.family, known)) message += fmt::format("; did you mean '{}'? Known", *hint);
    else message += "; known";
    message += fmt::format(" families: {}", join(known, ", "));
    return error_at(table->get("family")->source(), std::move(message));
  }

  auto description = optional_string(*table, "description", "[scenario]");
  if (!description) return description.error();
  out.description = description->value_or("");
  return {};
}

// [scenario] plugins = ["build/libq.so"]: paths relative to the scenario file,
// loaded into the registry (lib/plugin/) before the variants are checked.
ScenarioPluginLoader& plugin_loader() {
  static ScenarioPluginLoader loader;
  return loader;
}

Status Parser::read_plugins(const toml::table& table) const {
  const toml::node* node = table.get("plugins");
  if (!node) return {};
  const auto* list = node->as_array();
  if (!list) return error_at(node->source(), wrong_type("plugins", "[scenario]", "a list of paths", *node));
  const std::filesystem::path base = std::filesystem::path(path_).parent_path();
  for (const auto& element : *list) {
    const auto* text = element.as_string();
    if (!text || text->get().empty()) {
      return error_at(element.source(), fmt::format("'plugins' in [scenario] must list paths (non-empty strings), "
                                                    "got {}", type_name(element)));
    }
    const std::string resolved = (base / text->get()).lexically_normal().string();
    const ScenarioPluginLoader& loader = plugin_loader();
    if (!loader) return error_at(element.source(), "this command does not load plugins");
    if (auto loaded = loader(registry_, {resolved}); !loaded.ok()) {
      // The plugin's own path (the error's location, when it has one) and what went wrong.
      return error_at(element.source(), loaded.error().describe());
    }
  }
  return {};
}

Status Parser::read_run_table(const toml::table& root, Scenario& out) const {
  auto table = sub_table(root, "run");
  if (!table) return table.error();
  if (!*table) return {};
  const toml::table& run = **table;
  if (auto s = check_keys(run, "[run]", {"repetitions", "forks", "min_time", "warmup", "timeout", "pin_threads",
                                          "measure", "ops", "cache_sim", "branch_sim", "threaded"}); !s) return s;

  for (auto [key, target] : {std::pair{"repetitions", &out.repetitions}, std::pair{"forks", &out.forks}}) {
    auto value = optional_integer(run, key, "[run]");
    if (!value) return value.error();
    if (!*value) continue;
    const std::int64_t n = **value;
    if (n < 1 || n > kMaxRepetitions) {
      return error_at(run.get(key)->source(), fmt::format("'{}' in [run] must be between 1 and {}, got {}", key,
                                                          kMaxRepetitions, n));
    }
    *target = static_cast<int>(n);
  }
  auto min_time = optional_duration(run, "min_time", /*zero_allowed=*/false);
  if (!min_time) return min_time.error();
  out.min_time_s = *min_time;
  auto warmup = optional_duration(run, "warmup", /*zero_allowed=*/true);
  if (!warmup) return warmup.error();
  out.warmup_s = *warmup;
  auto timeout = optional_duration(run, "timeout", /*zero_allowed=*/false);
  if (!timeout) return timeout.error();
  out.timeout_s = *timeout;
  auto pin = optional_bool(run, "pin_threads", "[run]");
  if (!pin) return pin.error();
  out.pin_threads = *pin;
  return read_measure_keys(run, out);
}

// [run] measure, ops, cache_sim, branch_sim, threaded (scenario/measure_settings.hpp).
Status Parser::read_measure_keys(const toml::table& run, Scenario& out) const {
  auto measure = optional_string(run, "measure", "[run]");
  if (!measure) return measure.error();
  if (*measure) {
    out.measure = parse_measure_mode(**measure);
    if (!out.measure) {
      return error_at(run.get("measure")->source(),
                      fmt::format("'measure' in [run] must be \"time\", \"instructions\" or \"counters\", got "
                                  "\"{}\"", **measure));
    }
  }
  auto ops = optional_integer(run, "ops", "[run]");
  if (!ops) return ops.error();
  if (*ops) {
    if (**ops < 1 || **ops > kMaxCountedOps) {
      return error_at(run.get("ops")->source(),
                      fmt::format("'ops' in [run] must be between 1 and {}, got {}", kMaxCountedOps, **ops));
    }
    out.ops = **ops;
  }
  for (auto [key, target] : {std::pair{"cache_sim", &out.cache_sim}, std::pair{"branch_sim", &out.branch_sim},
                             std::pair{"threaded", &out.threaded}}) {
    auto flag = optional_bool(run, key, "[run]");
    if (!flag) return flag.error();
    *target = *flag;
  }
  return {};
}

// Syntax only: each key holds a scalar or a non-empty list of scalars. Whether the
// family takes the key and the values fit its ParamSpec is the expansion's job.
Status Parser::read_params(const toml::table& table, std::string_view table_name,
                           std::vector<std::pair<std::string, std::vector<ParamValue>>>& out,
                           ParamSources& sources, const std::string& variant, std::string_view impl) const {
  sources.table = location_of(table.source(), path_);
  for (const auto& [key, value_node] : scenario_detail::entries_in_file_order(table)) {
    const toml::node& node = *value_node;
    const std::string name(key->str());
    auto not_a_value = [&](const toml::node& bad) {
      return error_at(bad.source(),
                      fmt::format("parameter '{}' in {} must be a value (integer, float, boolean or string) or a "
                                  "list of values, got {}",
                                  name, table_name, type_name(bad)));
    };
    std::vector<ParamValue> values;
    std::vector<SourceLocation> where;
    const bool argv_param = family_ && scenario_detail::is_argv_param(family_->name, impl, name);
    const auto* array = node.as_array();
    // An argv (a variant's flat array of strings) or an axis of argvs (an array of arrays).
    const bool axis_of_argvs = argv_param && array && !array->empty() &&
                               std::all_of(array->begin(), array->end(), [](const toml::node& n) {
                                 return n.is_array();
                               });
    if (argv_param && array && (axis_of_argvs || !variant.empty())) {
      if (axis_of_argvs) {
        for (const auto& element : *array) {
          auto text = read_argv(*element.as_array(), name, table_name, variant);
          if (!text) return text.error();
          values.emplace_back(std::move(*text));
          where.push_back(location_of(element.source(), path_));
        }
      } else {
        auto text = read_argv(*array, name, table_name, variant);
        if (!text) return text.error();
        values.emplace_back(std::move(*text));
        where.push_back(location_of(node.source(), path_));
      }
    } else if (const auto* list = array) {
      if (list->empty()) {
        return error_at(node.source(), fmt::format("parameter '{}' in {} is an empty list; give at least one value",
                                                   name, table_name));
      }
      for (const auto& element : *list) {
        auto value = scenario_detail::param_scalar(element);
        if (!value) return not_a_value(element);
        values.push_back(std::move(*value));
        where.push_back(location_of(element.source(), path_));
      }
    } else {
      auto value = scenario_detail::param_scalar(node);
      if (!value) return not_a_value(node);
      values.push_back(std::move(*value));
      where.push_back(location_of(node.source(), path_));
    }
    sources.keys[name] = location_of(key->source(), path_);
    sources.values[name] = std::move(where);
    out.emplace_back(name, std::move(values));
  }
  return {};
}

Expected<std::string> Parser::read_argv(const toml::array& list, const std::string& name,
                                        std::string_view table_name, const std::string& variant) const {
  if (list.empty()) {
    return error_at(list.source(), fmt::format("'{}' in {} is an empty array: an argv needs at least the program, "
                                               "e.g. {} = [\"./bench\", \"--size\", \"{{size}}\"]",
                                               name, table_name, name));
  }
  std::vector<std::string> words;
  for (std::size_t i = 0; i < list.size(); ++i) {
    const toml::node& element = *list.get(i);
    const auto* word = element.as_string();
    if (!word) {
      return error_at(element.source(),
                      fmt::format("'{}' in {} is an argv, an array of strings: element {} is {} {}{}", name,
                                  table_name, i + 1, type_name(element).find_first_of("aeiou") == 0 ? "an" : "a",
                                  type_name(element),
                                  element.is_array() ? " (an array of arrays is an axis of argvs: every element "
                                                       "must then be an array)"
                                                     : ", write it as a string"));
    }
    words.push_back(word->get());
  }
  std::vector<std::string> used;
  for (const std::string& word : words) {
    for (auto& placeholder : external::placeholders(word)) used.push_back(std::move(placeholder));
  }
  argv_uses_.push_back({.key = name, .table_name = std::string(table_name), .variant = variant,
                        .placeholders = std::move(used), .where = list.source()});
  return scenario_detail::argv_text(words);
}

// After every table is read: each {name} of an argv names a parameter (an argv has no
// shell, so a brace that names nothing is a typo, not ${HOME}), and no argv meets
// shell = true (an argv runs without a shell; /bin/sh -c takes one string).
Status Parser::check_argv_uses(const Scenario& scenario, const Family& family) const {
  std::set<std::string> known;
  for (const auto& spec : family.params) known.insert(spec.name);
  for (const auto& [key, values] : scenario.params) known.insert(key);
  for (const auto& variant : scenario.variants) {
    for (const auto& [key, values] : variant.params) known.insert(key);
    if (const Implementation* impl = family.find_impl(variant.impl)) {
      for (const auto& spec : impl->params) known.insert(spec.name);
    }
    if (variant.impl == "external_command") {
      for (std::string_view name : external::kRunPlaceholders) known.insert(std::string(name));
    }
  }
  auto shell_values = [](const std::vector<std::pair<std::string, std::vector<ParamValue>>>& params)
      -> const std::vector<ParamValue>* {
    for (const auto& [key, values] : params) {
      if (key == "shell") return &values;
    }
    return nullptr;
  };
  for (const ArgvUse& use : argv_uses_) {
    for (const std::string& name : use.placeholders) {
      if (known.count(name)) continue;
      std::string message = fmt::format("'{}' in {}: {{{}}} names no parameter (none of [params], the variants' "
                                        "params and the family's parameters is called '{}')",
                                        use.key, use.table_name, name, name);
      if (auto hint = closest_match(name, {known.begin(), known.end()})) {
        message += fmt::format("; did you mean '{{{}}}'?", *hint);
      }
      return error_at(use.where, std::move(message));
    }
    const std::vector<ParamValue>* shell = shell_values(scenario.params);
    for (const auto& variant : scenario.variants) {
      if (variant.name != use.variant) continue;
      if (const auto* own = shell_values(variant.params)) shell = own;
    }
    const bool any_shell = shell && std::any_of(shell->begin(), shell->end(), [](const ParamValue& v) {
                             const bool* flag = std::get_if<bool>(&v);
                             return flag && *flag;
                           });
    if (any_shell) {
      return error_at(use.where, fmt::format("'{}' in {} is an argv, run without a shell, but shell = true: write "
                                             "it as one string for /bin/sh -c",
                                             use.key, use.table_name));
    }
  }
  return {};
}

Status Parser::read_variants(const toml::table& root, const Family& family, Scenario& out,
                             ScenarioSources& sources) const {
  const toml::node* node = root.get("variant");
  const auto* list = node ? node->as_array() : nullptr;
  if (!node || (list && list->empty())) {
    return error_at(node ? node->source() : scenario_table_region_,
                    "the scenario has no variants: add at least one [[variant]] with a name and an impl");
  }
  if (!list || !list->is_array_of_tables()) {
    return error_at(node->source(), fmt::format("'variant' must be an array of tables written [[variant]], got {}",
                                                type_name(*node)));
  }

  std::vector<std::string> impl_names;
  for (const auto& impl : family.impls) impl_names.push_back(impl.name);
  const VariantDef* baseline = nullptr;
  std::map<std::string, int> first_line_of_name;

  for (const auto& element : *list) {
    const toml::table& table = *element.as_table();
    if (auto s = check_keys(table, "[[variant]]", {"name", "impl", "baseline", "params"}); !s) return s;
    VariantDef variant;
    variant.where = location_of(table.source(), path_);

    auto name = optional_string(table, "name", "[[variant]]");
    if (!name) return name.error();
    if (!*name) {
      return error_at(table.source(), "[[variant]] needs a 'name' (a string): its label in tables and case ids");
    }
    variant.name = **name;
    const auto& name_region = table.get("name")->source();
    if (variant.name.empty() || variant.name.find_first_of("/,= \t") != std::string::npos) {
      return error_at(name_region, fmt::format("variant name '{}' must be non-empty and contain no '/', ',', '=' "
                                               "or spaces: it is part of case ids",
                                               variant.name));
    }
    if (auto bad = forbidden_name_character(variant.name)) {
      return error_at(name_region, fmt::format("variant name contains {}: it is part of case ids", *bad));
    }
    if (auto [it, fresh] = first_line_of_name.emplace(variant.name, name_region.begin.line); !fresh) {
      return error_at(name_region, fmt::format("duplicate variant name '{}' (first used on line {}); variant names "
                                               "must be unique within a scenario",
                                               variant.name, it->second));
    }

    auto impl = optional_string(table, "impl", "[[variant]]");
    if (!impl) return impl.error();
    if (!*impl) {
      return error_at(table.source(), fmt::format("variant '{}' needs an 'impl' (a string): one of {}",
                                                  variant.name, join(impl_names, ", ")));
    }
    variant.impl = **impl;
    if (!family.find_impl(variant.impl)) {
      std::string message =
          fmt::format("unknown implementation '{}' in family '{}'", variant.impl, family.name);
      if (auto hint = closest_match(variant.impl, impl_names)) {
        message += fmt::format("; did you mean '{}'? Known", *hint);
      } else {
        message += "; known";
      }
      message += fmt::format(" implementations: {}", join(impl_names, ", "));
      return error_at(table.get("impl")->source(), std::move(message));
    }

    auto is_baseline = optional_bool(table, "baseline", "[[variant]]");
    if (!is_baseline) return is_baseline.error();
    variant.baseline = is_baseline->value_or(false);
    if (variant.baseline && baseline) {
      return error_at(table.get("baseline")->source(),
                      fmt::format("variants '{}' and '{}' are both marked baseline = true; only one variant can "
                                  "be the baseline",
                                  baseline->name, variant.name));
    }

    ParamSources variant_sources;
    variant_sources.table = variant.where;
    if (const toml::node* params = table.get("params")) {
      const auto* params_table = params->as_table();
      if (!params_table) {
        return error_at(params->source(), wrong_type("params", "[[variant]]",
                                                     "a table such as { pad_bytes = 128 }", *params));
      }
      const std::string table_name = fmt::format("the params of variant '{}'", variant.name);
      if (auto s = read_params(*params_table, table_name, variant.params, variant_sources, variant.name, variant.impl);
          !s) {
        return s;
      }
    }
    out.variants.push_back(std::move(variant));
    sources.variants.push_back(std::move(variant_sources));
    if (out.variants.back().baseline) baseline = &out.variants.back();
  }
  // The first variant is the baseline unless another one says so; recorded here so
  // every reader of the Scenario sees the same answer.
  if (!baseline) out.variants.front().baseline = true;
  return {};
}

Status Parser::read_profile_table(const toml::table& root, Scenario& out) const {
  auto table = sub_table(root, "profile");
  if (!table) return table.error();
  if (!*table) return {};
  const toml::table& profile = **table;
  if (auto s = check_keys(profile, "[profile]", {"enabled", "mode", "hz", "thread_root"}); !s) return s;
  ProfileSettings settings;

  auto enabled = optional_bool(profile, "enabled", "[profile]");
  if (!enabled) return enabled.error();
  settings.enabled = enabled->value_or(settings.enabled);

  auto mode = optional_string(profile, "mode", "[profile]");
  if (!mode) return mode.error();
  if (*mode) {
    if (**mode != "cpu" && **mode != "wall") {
      return error_at(profile.get("mode")->source(),
                      fmt::format("'mode' in [profile] must be \"cpu\" or \"wall\", got \"{}\"", **mode));
    }
    settings.mode = **mode;
  }

  auto hz = optional_integer(profile, "hz", "[profile]");
  if (!hz) return hz.error();
  if (*hz) {
    if (**hz < 1 || **hz > 10000) {
      return error_at(profile.get("hz")->source(),
                      fmt::format("'hz' in [profile] must be between 1 and 10000 samples per second, got {}", **hz));
    }
    settings.hz = static_cast<int>(**hz);
  }

  auto thread_root = optional_bool(profile, "thread_root", "[profile]");
  if (!thread_root) return thread_root.error();
  settings.thread_root = thread_root->value_or(settings.thread_root);

  out.profile = settings;
  return {};
}

Expected<Scenario> Parser::parse(std::string_view text) {
  toml::table root;
  try {
    root = toml::parse(text, path_);
  } catch (const toml::parse_error& error) {
    return error_at(error.source(), fmt::format("invalid TOML: {}", error.description()));
  }

  Scenario scenario;
  scenario.path = path_;
  scenario.content = std::string(text);
  if (auto s = check_keys(root, "the scenario file", {"scenario", "run", "params", "variant", "profile", "gate"});
      !s) {
    return s.error();
  }
  if (auto s = read_scenario_table(root, scenario); !s) return s.error();
  scenario_table_region_ = root.get("scenario")->source();
  const Family& family = *registry_.find(scenario.family);
  family_ = &family;
  if (auto s = read_run_table(root, scenario); !s) return s.error();

  if (auto s = read_profile_table(root, scenario); !s) return s.error();
  if (const toml::node* gate = root.get("gate")) {
    if (!gate->is_table()) {
      return error_at(gate->source(),
                      fmt::format("'gate' must be a table written [gate], got {}", type_name(*gate)));
    }
    // Checked now, with the gate file's rules and messages, so `velo check` catches a
    // bad threshold before CI measures anything.
    if (auto table = read_gate_table(*gate->as_table(), path_, GateSource::scenario); !table.ok()) {
      return table.error();
    }
    scenario.gate = scenario_detail::to_json(*gate);
  }

  ScenarioSources sources;
  auto params = sub_table(root, "params");
  if (!params) return params.error();
  if (*params) {
    if (auto s = read_params(**params, "[params]", scenario.params, sources.params); !s) return s.error();
  }
  if (auto s = read_variants(root, family, scenario, sources); !s) return s.error();
  if (auto s = check_argv_uses(scenario, family); !s) return s.error();

  // Every matrix point must be valid for its family before the file is accepted.
  auto cases = scenario_detail::expand_scenario(scenario, {}, registry_, &sources);
  if (!cases) return cases.error();
  return scenario;
}

}  // namespace

void set_scenario_plugin_loader(ScenarioPluginLoader loader) { plugin_loader() = std::move(loader); }

Expected<Scenario> parse_scenario(std::string_view text, const std::string& path, const Registry& registry) {
  return Parser(path, registry).parse(text);
}

Expected<Scenario> load_scenario_file(const std::string& path, const Registry& registry) {
  auto bytes = read_input_file(path, "scenario file", kMaxScenarioFileBytes);
  if (!bytes.ok()) return bytes.error();
  return parse_scenario(*bytes, path, registry);
}

}  // namespace velo

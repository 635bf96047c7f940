// Expanding scenarios into cases (rules in docs/scenario-format.md, "Expansion").
//
// For each variant: its matrix is the scenario's [params] overlaid by the variant's
// own params (the variant wins), minus the keys its implementation does not take,
// with --param values replacing or adding keys. The cartesian product runs in file
// order, the first key varying slowest. Every value is coerced against the
// implementation's ParamSpec and every point is checked by Family::validate, so
// the runner only ever sees complete, valid Params.
#include "scenario/expand.hpp"

#include <algorithm>
#include <cassert>
#include <map>
#include <set>

#include <fmt/format.h>

#include "core/text.hpp"
#include "scenario/toml_util.hpp"

namespace velo {
namespace scenario_detail {
namespace {

// Where a key of one variant's matrix came from. Keys from [params] (and --param
// values replacing them) form the comparison group; a variant's own keys do not.
enum class Origin { scenario, variant, command_line };

struct MatrixKey {
  std::string name;
  Origin origin = Origin::scenario;
  const std::vector<ParamValue>* raw = nullptr;
  const std::vector<SourceLocation>* where = nullptr;  // per value; null if not from the file
  const ParamOverride* override_from = nullptr;        // set when --param supplied the values
  const ParamSpec* spec = nullptr;
  std::vector<ParamValue> values;                      // coerced
};

// Every parameter name a family knows: its own and all its implementations'.
std::vector<std::string> all_param_names(const Family& family) {
  std::vector<std::string> names;
  for (const auto& spec : family.params) names.push_back(spec.name);
  for (const auto& impl : family.impls) {
    for (const auto& spec : impl.params) {
      if (std::find(names.begin(), names.end(), spec.name) == names.end()) names.push_back(spec.name);
    }
  }
  return names;
}

std::vector<std::string> param_names(const Family& family, const Implementation& impl) {
  std::vector<std::string> names;
  for (const auto& spec : family.params) names.push_back(spec.name);
  for (const auto& spec : impl.params) names.push_back(spec.name);
  return names;
}

std::string unknown_param_message(std::string_view name, const std::vector<std::string>& known) {
  std::string message = "; known";
  if (auto hint = closest_match(name, known)) message = fmt::format("; did you mean '{}'? Known", *hint);
  return message + fmt::format(" parameters: {}", join(known, ", "));
}

SourceLocation where_of(const ParamSources* sources, std::string_view key, const SourceLocation& fallback) {
  if (sources) {
    if (auto it = sources->keys.find(key); it != sources->keys.end()) return it->second;
  }
  return fallback;
}

// Keys in [params] must be taken by at least one variant: a key nobody takes is a
// typo or a leftover, and silently ignoring it would measure something else.
Status check_scenario_keys(const Scenario& scenario, const Family& family,
                           const std::vector<const Implementation*>& impls, const ScenarioSources* sources) {
  const SourceLocation scenario_where{scenario.path};
  for (const auto& entry : scenario.params) {
    const std::string& key = entry.first;  // a plain reference: clang 14 cannot capture a structured binding
    const bool taken = std::any_of(impls.begin(), impls.end(), [&](const Implementation* impl) {
      return family.find_param(*impl, key) != nullptr;
    });
    if (taken) continue;
    const SourceLocation where = where_of(sources ? &sources->params : nullptr, key, scenario_where);
    std::vector<std::string> owners;
    for (const auto& impl : family.impls) {
      if (family.find_param(impl, key)) owners.push_back(impl.name);
    }
    if (owners.empty()) {
      return make_error(fmt::format("unknown parameter '{}' for family '{}'{}", key, family.name,
                                    unknown_param_message(key, all_param_names(family))),
                        where);
    }
    return make_error(fmt::format("parameter '{}' in [params] is not taken by any variant of this scenario "
                                  "(only by implementation {})",
                                  key, join(owners, ", ")),
                      where);
  }
  return {};
}

Status coerce_values(MatrixKey& key, const SourceLocation& fallback) {
  std::set<std::string> seen;
  for (std::size_t i = 0; i < key.raw->size(); ++i) {
    const SourceLocation where = key.where && i < key.where->size() ? (*key.where)[i] : fallback;
    const std::string prefix = key.override_from ? fmt::format("--param {}: ", key.override_from->text) : "";
    if (i == 1 && !key.spec->in_id) {
      // Out of the id, two values would give two cases one id.
      return make_error(fmt::format("{}parameter '{}' takes one value, not a list: it is not part of case ids",
                                    prefix, key.name),
                        key.override_from ? SourceLocation{} : where);
    }
    auto coerced = coerce_param(*key.spec, (*key.raw)[i]);
    if (!coerced) return make_error(prefix + coerced.error().message, key.override_from ? SourceLocation{} : where);
    const std::string text = format_param(*coerced, key.spec->type);
    if (key.spec->type == ParamType::text) {
      if (auto bad = forbidden_name_character(text)) {
        return make_error(fmt::format("{}parameter '{}' contains {}: its value is part of case ids", prefix,
                                      key.name, *bad),
                          key.override_from ? SourceLocation{} : where);
      }
    }
    if (!seen.insert(text).second) {
      // Two equal values would give two cases with the same id.
      return make_error(fmt::format("{}parameter '{}' lists the value {} twice", prefix, key.name, text),
                        key.override_from ? SourceLocation{} : where);
    }
    key.values.push_back(std::move(*coerced));
  }
  return {};
}

// The matrix of one variant, keys in file order (a variant's override keeps the
// position of the [params] key it replaces; its new keys follow).
Expected<std::vector<MatrixKey>> variant_matrix(const Scenario& scenario, std::size_t index, const Family& family,
                                                const Implementation& impl,
                                                const std::vector<ParamOverride>& overrides,
                                                const ScenarioSources* sources) {
  const VariantDef& variant = scenario.variants[index];
  const ParamSources* variant_sources = sources ? &sources->variants[index] : nullptr;
  std::vector<MatrixKey> matrix;
  auto find = [&](std::string_view name) {
    return std::find_if(matrix.begin(), matrix.end(), [&](const MatrixKey& k) { return k.name == name; });
  };
  auto values_where = [](const ParamSources* from, const std::string& key) -> const std::vector<SourceLocation>* {
    if (!from) return nullptr;
    auto it = from->values.find(key);
    return it == from->values.end() ? nullptr : &it->second;
  };

  for (const auto& [key, values] : scenario.params) {
    const ParamSpec* spec = family.find_param(impl, key);
    if (!spec) continue;  // another variant's parameter
    matrix.push_back({.name = key, .origin = Origin::scenario, .raw = &values,
                      .where = values_where(sources ? &sources->params : nullptr, key), .spec = spec});
  }
  for (const auto& [key, values] : variant.params) {
    const ParamSpec* spec = family.find_param(impl, key);
    if (!spec) {
      return make_error(fmt::format("variant '{}': implementation '{}' does not take parameter '{}'{}", variant.name,
                                    impl.name, key, unknown_param_message(key, param_names(family, impl))),
                        where_of(variant_sources, key, variant.where));
    }
    MatrixKey entry{.name = key, .origin = Origin::variant, .raw = &values,
                    .where = values_where(variant_sources, key), .spec = spec};
    if (auto it = find(key); it != matrix.end()) *it = std::move(entry);
    else matrix.push_back(std::move(entry));
  }
  for (const auto& override_param : overrides) {
    const ParamSpec* spec = family.find_param(impl, override_param.key);
    if (!spec) continue;
    if (auto it = find(override_param.key); it != matrix.end()) {
      it->raw = &override_param.values;
      it->where = nullptr;
      it->override_from = &override_param;
    } else {
      matrix.push_back({.name = override_param.key, .origin = Origin::command_line, .raw = &override_param.values,
                        .override_from = &override_param, .spec = spec});
    }
  }
  for (auto& key : matrix) {
    if (auto s = coerce_values(key, variant.where); !s) return s.error();
  }
  return matrix;
}

// A text value as it appears in a case id: the characters that separate the id's
// parts (and '%' itself) percent-encoded, so "dir=/mnt/x" cannot split the id
// (docs/scenario-format.md, "Case ids").
std::string id_text(const std::string& value) {
  std::string out;
  for (char c : value) {
    if (c == '%' || c == ',' || c == '=' || c == '/' || c == ';' || c == ' ') out += fmt::format("%{:02X}", c);
    else out += c;
  }
  return out;
}

// "k1=v1,k2=v2" over the chosen keys (and `listed`, a value a family listed), sorted by name.
std::string key_values(const std::vector<MatrixKey>& matrix, const std::vector<std::size_t>& point,
                       bool group_only, const std::pair<std::string, std::string>* listed = nullptr) {
  std::vector<std::pair<std::string, std::string>> parts;
  if (listed) parts.emplace_back(listed->first, id_text(listed->second));
  for (std::size_t k = 0; k < matrix.size(); ++k) {
    // Keys --param adds are one value for every variant that takes them, so they
    // never split a comparison; keeping them out of the group keeps variants that
    // do not take them in the same table.
    if (group_only && matrix[k].origin != Origin::scenario) continue;
    if (!matrix[k].spec->in_id) continue;
    std::string value = format_param(matrix[k].values[point[k]], matrix[k].spec->type);
    if (matrix[k].spec->type == ParamType::text) value = id_text(value);
    parts.emplace_back(matrix[k].name, std::move(value));
  }
  std::sort(parts.begin(), parts.end());
  std::string out;
  for (const auto& [name, value] : parts) out += fmt::format("{}{}={}", out.empty() ? "" : ",", name, value);
  return out;
}

// Family::validate failures are reported where the user can fix them: the variant
// when it sets parameters of its own, otherwise the [params] table.
SourceLocation validate_location(const Scenario& scenario, std::size_t index, const ScenarioSources* sources) {
  const VariantDef& variant = scenario.variants[index];
  if (!variant.params.empty() || !sources || sources->params.table.line == 0) return variant.where;
  return sources->params.table;
}

}  // namespace

Expected<ParamOverride> parse_param_override(std::string_view text) {
  const auto equals = text.find('=');
  auto trim = [](std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
  };
  const std::string_view key = equals == std::string_view::npos ? std::string_view{} : trim(text.substr(0, equals));
  if (key.empty()) return make_error(fmt::format("--param expects KEY=VALUE, got '{}'", text));
  const std::string_view value_text = text.substr(equals + 1);

  ParamOverride result{.key = std::string(key), .values = {}, .text = std::string(text)};
  toml::table parsed;
  try {
    parsed = toml::parse(fmt::format("value = {}", value_text));
  } catch (const toml::parse_error&) {
    result.values.emplace_back(std::string(value_text));  // not TOML: a plain string
    return result;
  }
  const toml::node* node = parsed.get("value");
  if (parsed.size() != 1 || !node) {
    result.values.emplace_back(std::string(value_text));
    return result;
  }
  if (const auto* list = node->as_array()) {
    if (list->empty()) return make_error(fmt::format("--param {}: the list is empty; give at least one value", text));
    for (const auto& element : *list) {
      auto value = param_scalar(element);
      if (!value) {
        return make_error(fmt::format("--param {}: a list may only hold values (integer, float, boolean or "
                                      "string), got {}",
                                      text, type_name(element)));
      }
      result.values.push_back(std::move(*value));
    }
    return result;
  }
  if (auto value = param_scalar(*node)) result.values.push_back(std::move(*value));
  else result.values.emplace_back(std::string(value_text));  // a date or a table: keep the text
  return result;
}

Expected<std::vector<Case>> expand_scenario(const Scenario& scenario, const std::vector<ParamOverride>& overrides,
                                            const Registry& registry, const ScenarioSources* sources) {
  const Family* family = registry.find(scenario.family);
  if (!family) return make_error(fmt::format("unknown family '{}'", scenario.family), SourceLocation{scenario.path});
  if (scenario.variants.empty()) {
    return make_error("the scenario has no variants: add at least one [[variant]] with a name and an impl",
                      SourceLocation{scenario.path});
  }
  std::vector<const Implementation*> impls;
  for (const auto& variant : scenario.variants) {
    const Implementation* impl = family->find_impl(variant.impl);
    if (!impl) {
      return make_error(fmt::format("unknown implementation '{}' in family '{}'", variant.impl, family->name),
                        variant.where);
    }
    impls.push_back(impl);
  }
  if (auto s = check_scenario_keys(scenario, *family, impls, sources); !s) return s.error();

  const auto marked = std::find_if(scenario.variants.begin(), scenario.variants.end(),
                                   [](const VariantDef& v) { return v.baseline; });
  const std::size_t baseline = marked == scenario.variants.end()
                                   ? 0
                                   : static_cast<std::size_t>(marked - scenario.variants.begin());

  RunSettings settings;
  if (scenario.repetitions) settings.repetitions = *scenario.repetitions;
  if (scenario.forks) settings.forks = *scenario.forks;
  if (scenario.min_time_s) settings.min_time_s = *scenario.min_time_s;
  if (scenario.warmup_s) settings.warmup_s = *scenario.warmup_s;
  if (scenario.timeout_s) settings.timeout_s = *scenario.timeout_s;
  if (scenario.pin_threads) settings.pin_threads = *scenario.pin_threads;
  if (scenario.measure) settings.measure.mode = *scenario.measure;
  if (scenario.ops) settings.measure.ops = *scenario.ops;
  if (scenario.cache_sim) settings.measure.cache_sim = *scenario.cache_sim;
  if (scenario.branch_sim) settings.measure.branch_sim = *scenario.branch_sim;
  if (scenario.threaded) settings.measure.threaded = *scenario.threaded;

  std::vector<Case> cases;
  for (std::size_t v = 0; v < scenario.variants.size(); ++v) {
    const VariantDef& variant = scenario.variants[v];
    const Implementation& impl = *impls[v];
    auto matrix = variant_matrix(scenario, v, *family, impl, overrides, sources);
    if (!matrix) return matrix.error();
    // Counted before anything is materialised: a matrix of a million points is refused
    // in microseconds instead of being built and validated first.
    std::size_t points = 1;
    for (const auto& key : *matrix) {
      points = std::min(points * std::min(key.values.size(), kMaxCases + 1), kMaxCases + 1);  // saturating
    }
    if (points > kMaxCases - cases.size()) {
      return make_error(fmt::format("the parameter matrix expands to more than {} cases (variant '{}' alone: {}{}); "
                                    "split the scenario or list fewer values",
                                    kMaxCases, variant.name, points > kMaxCases ? "more than " : "",
                                    std::min(points, kMaxCases)),
                        validate_location(scenario, v, sources));
    }
    const std::optional<std::string> host_reason =
        impl.host_unsupported ? impl.host_unsupported() : std::nullopt;

    // Defaults go through coerce_param too, so a bytes default written "4KiB" reads as an integer.
    Params defaults;
    for (const auto* specs : {&family->params, &impl.params}) {
      for (const auto& spec : *specs) {
        auto value = coerce_param(spec, spec.default_value);
        assert(value && "a ParamSpec's default must satisfy the spec");
        defaults.set(spec.name, value ? *value : spec.default_value);
      }
    }

    std::vector<std::size_t> point(matrix->size(), 0);
    for (;;) {
      Params params = defaults;
      for (std::size_t k = 0; k < matrix->size(); ++k) params.set((*matrix)[k].name, (*matrix)[k].values[point[k]]);

      const std::string explicit_params = key_values(*matrix, point, /*group_only=*/false);
      if (family->validate) {
        if (auto reason = family->validate(params)) {
          return make_error(fmt::format("invalid parameters for variant '{}' ({}): {}", variant.name,
                                        explicit_params, *reason),
                            validate_location(scenario, v, sources));
        }
      }
      // A family that lists its cases (an external benchmark binary) adds one
      // parameter whose values it lists; every other family has one case per point.
      std::vector<std::string> listed;
      if (family->listed_param && !host_reason) {
        auto values = family->listed_param->list(params);
        if (!values) {
          return make_error(fmt::format("variant '{}' ({}): {}", variant.name, explicit_params,
                                        values.error().message),
                            validate_location(scenario, v, sources));
        }
        listed = std::move(*values);
        if (listed.empty()) {
          return make_error(fmt::format("variant '{}' ({}): no {} to measure", variant.name, explicit_params,
                                        family->listed_param->name),
                            validate_location(scenario, v, sources));
        }
        if (cases.size() + listed.size() > kMaxCases) {
          return make_error(fmt::format("the scenario expands to more than {} cases", kMaxCases),
                            validate_location(scenario, v, sources));
        }
      }
      const std::size_t count = listed.empty() ? 1 : listed.size();
      for (std::size_t l = 0; l < count; ++l) {
        Case c;
        std::string id_params = explicit_params;
        c.params = params;
        c.group = key_values(*matrix, point, /*group_only=*/true);
        if (!listed.empty()) {
          // The listed value splits tables too: variants (two builds of one binary)
          // are compared benchmark by benchmark.
          const std::pair<std::string, std::string> entry{family->listed_param->name, listed[l]};
          id_params = key_values(*matrix, point, /*group_only=*/false, &entry);
          c.group = key_values(*matrix, point, /*group_only=*/true, &entry);
          c.params.set(entry.first, entry.second);
        }
        c.id = fmt::format("{}/{}", family->name, variant.name);
        if (!id_params.empty()) c.id += "/" + id_params;
        c.scenario = scenario.name;
        c.family = family->name;
        c.variant = variant.name;
        c.impl = impl.name;
        c.baseline = v == baseline;
        c.settings = settings;
        c.skip_reason = host_reason;
        if (!c.skip_reason && impl.case_unsupported) c.skip_reason = impl.case_unsupported(c.params);
        cases.push_back(std::move(c));
      }

      // Odometer: the last key turns fastest, so cases follow the file's order.
      std::size_t k = matrix->size();
      while (k > 0 && ++point[k - 1] == (*matrix)[k - 1].values.size()) point[--k] = 0;
      if (k == 0) break;
    }
  }
  return cases;
}

}  // namespace scenario_detail

Expected<std::vector<Case>> expand_cases(const std::vector<Scenario>& scenarios, const Overrides& overrides,
                                         const Registry& registry) {
  if (overrides.repetitions && *overrides.repetitions < 1) {
    return make_error(fmt::format("--repetitions must be at least 1, got {}", *overrides.repetitions));
  }
  if (overrides.forks && *overrides.forks < 1) {
    return make_error(fmt::format("--forks must be at least 1, got {}", *overrides.forks));
  }
  if (overrides.min_time_s && !(*overrides.min_time_s > 0)) return make_error("--min-time must be greater than zero");
  if (overrides.warmup_s && !(*overrides.warmup_s >= 0)) return make_error("--warmup must not be negative");
  if (overrides.timeout_s && !(*overrides.timeout_s > 0)) return make_error("--timeout must be greater than zero");

  // Parse every --param; a later one for the same key replaces an earlier one.
  std::vector<scenario_detail::ParamOverride> params;
  for (const auto& text : overrides.params) {
    auto parsed = scenario_detail::parse_param_override(text);
    if (!parsed) return parsed.error();
    auto same = std::find_if(params.begin(), params.end(), [&](const auto& p) { return p.key == parsed->key; });
    if (same != params.end()) *same = std::move(*parsed);
    else params.push_back(std::move(*parsed));
  }
  // A --param nobody takes is a typo: refuse it rather than run without it.
  std::vector<std::string> accepted;
  for (const auto& scenario : scenarios) {
    const Family* family = registry.find(scenario.family);
    if (!family) continue;  // expand_scenario reports it
    for (const auto& variant : scenario.variants) {
      if (const Implementation* impl = family->find_impl(variant.impl)) {
        for (auto& name : scenario_detail::param_names(*family, *impl)) {
          if (std::find(accepted.begin(), accepted.end(), name) == accepted.end()) accepted.push_back(name);
        }
      }
    }
  }
  for (const auto& param : params) {
    if (std::find(accepted.begin(), accepted.end(), param.key) != accepted.end()) continue;
    std::string message = fmt::format("--param {}: no variant of the scenarios being run takes parameter '{}'",
                                      param.text, param.key);
    if (auto hint = closest_match(param.key, accepted)) message += fmt::format("; did you mean '{}'?", *hint);
    else if (!accepted.empty()) message += fmt::format(" (they take: {})", join(accepted, ", "));
    return make_error(std::move(message));
  }

  std::vector<Case> all;
  std::map<std::string, const Scenario*> owner_of_id;
  for (const auto& scenario : scenarios) {
    auto cases = scenario_detail::expand_scenario(scenario, params, registry, nullptr);
    if (!cases) return cases.error();
    for (auto& c : *cases) {
      if (overrides.repetitions) c.settings.repetitions = *overrides.repetitions;
      if (overrides.forks) c.settings.forks = *overrides.forks;
      // "--forks 10" means "up to 10": a scenario with 5 repetitions gets 5 forks of one.
      c.settings.forks = std::min(c.settings.forks, c.settings.repetitions);
      if (overrides.min_time_s) c.settings.min_time_s = *overrides.min_time_s;
      if (overrides.warmup_s) c.settings.warmup_s = *overrides.warmup_s;
      if (overrides.timeout_s) c.settings.timeout_s = *overrides.timeout_s;
      if (overrides.pin_threads) c.settings.pin_threads = true;
      if (overrides.measure) c.settings.measure.mode = *overrides.measure;
      if (overrides.ops) c.settings.measure.ops = *overrides.ops;
      if (overrides.cache_sim) c.settings.measure.cache_sim = true;
      if (overrides.branch_sim) c.settings.measure.branch_sim = true;
      if (overrides.threaded) c.settings.measure.threaded = true;
      // Under Valgrind a case runs tens of times slower than natively, so the default
      // timeout (meant for native runs) would kill slow cases on a busy machine: ten
      // times as long, unless a timeout was set (docs/deterministic.md).
      if (c.settings.measure.mode == MeasureMode::instructions && !scenario.timeout_s && !overrides.timeout_s) {
        c.settings.timeout_s *= kCountedTimeoutFactor;
      }
      if (all.size() == kMaxCases) {
        return make_error(fmt::format("the scenarios expand to more than {} cases; run fewer at once", kMaxCases),
                          SourceLocation{scenario.path});
      }
      auto [it, fresh] = owner_of_id.emplace(c.id, &scenario);
      if (!fresh) {
        const Scenario& first = *it->second;
        return make_error(fmt::format("case id '{}' is produced by both scenario '{}' ({}) and scenario '{}' ({}); "
                                      "case ids must be unique: rename a variant",
                                      c.id, first.name, first.path, scenario.name, scenario.path),
                          SourceLocation{scenario.path});
      }
      all.push_back(std::move(c));
    }
  }
  return all;
}

}  // namespace velo

// A plugin's parameter declarations (velo_param_decl) checked and turned into
// ParamSpecs, so scenario values are validated exactly as a built-in's are. A bad
// declaration refuses the whole plugin: a default outside its own range, a choice
// default that is not a choice, an unknown type, an unnamed or duplicate parameter.
#include "plugin/declarations.hpp"

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <cstring>

#include <fmt/format.h>

#include "core/text.hpp"

namespace velo::plugin {

std::optional<std::string> bounded_string(const char* text, std::size_t max_bytes) {
  if (!text) return std::nullopt;
  const std::size_t length = ::strnlen(text, max_bytes + 1);
  if (length > max_bytes) return std::nullopt;
  return std::string(text, length);
}

bool valid_identifier(std::string_view name) {
  if (name.empty() || name.size() > kMaxNameBytes) return false;
  for (char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    if (!ok) return false;
  }
  return true;
}

namespace {

std::optional<ParamType> type_of(int type) {
  switch (type) {
    case VELO_PARAM_INTEGER: return ParamType::integer;
    case VELO_PARAM_NUMBER: return ParamType::number;
    case VELO_PARAM_BOOLEAN: return ParamType::boolean;
    case VELO_PARAM_CHOICE: return ParamType::choice;
    case VELO_PARAM_BYTES: return ParamType::bytes;
    case VELO_PARAM_TEXT: return ParamType::text;
    default: return std::nullopt;
  }
}

// The default, written as text, as the value a scenario would give.
std::optional<ParamValue> parse_default(ParamType type, const std::string& text) {
  switch (type) {
    case ParamType::integer: {
      std::int64_t value = 0;
      const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
      if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
      return ParamValue{value};
    }
    case ParamType::bytes: {
      if (auto bytes = parse_bytes(text)) return ParamValue{*bytes};
      return std::nullopt;
    }
    case ParamType::number: {
      if (text.empty()) return std::nullopt;
      char* end = nullptr;
      const double value = std::strtod(text.c_str(), &end);
      if (end != text.c_str() + text.size() || !std::isfinite(value)) return std::nullopt;
      return ParamValue{value};
    }
    case ParamType::boolean:
      if (text == "true") return ParamValue{true};
      if (text == "false") return ParamValue{false};
      return std::nullopt;
    case ParamType::choice:
    case ParamType::text:
      if (text.empty()) return std::nullopt;
      return ParamValue{text};
  }
  return std::nullopt;
}

}  // namespace

Expected<ParamSpec> read_declaration(const velo_param_decl& decl, std::string_view impl_name, std::size_t index) {
  auto fail = [&](std::string what) {
    return make_error(fmt::format("implementation '{}', parameter #{}: {}", impl_name, index + 1, what));
  };
  auto name = bounded_string(decl.name, kMaxNameBytes);
  if (!name || !valid_identifier(*name)) {
    return fail("needs a name of letters, digits and '_' (at most 64 bytes)");
  }
  auto failed = [&](std::string what) {
    return make_error(fmt::format("implementation '{}', parameter '{}': {}", impl_name, *name, what));
  };
  ParamSpec spec;
  spec.name = *name;
  auto type = type_of(decl.type);
  if (!type) {
    return failed(fmt::format("unknown type {} (expected VELO_PARAM_INTEGER, NUMBER, BOOLEAN, CHOICE, BYTES or TEXT)",
                              decl.type));
  }
  spec.type = *type;
  auto doc = bounded_string(decl.doc, kMaxDocBytes);
  if (!doc || doc->empty()) return failed("needs a one-line doc (shown by `velo list`)");
  if (doc->find_first_of("\n\r") != std::string::npos) return failed("its doc must be one line");
  spec.doc = *doc;
  if (spec.type == ParamType::choice) {
    auto choices = bounded_string(decl.choices, kMaxDocBytes);
    if (!choices || choices->empty()) return failed("a choice needs its choices, written \"a|b|c\"");
    std::size_t start = 0;
    for (;;) {
      const std::size_t bar = choices->find('|', start);
      const std::string choice = choices->substr(start, bar == std::string::npos ? std::string::npos : bar - start);
      if (!valid_identifier(choice)) {
        return failed(fmt::format("choice '{}' in \"{}\" must be letters, digits and '_'", choice, *choices));
      }
      spec.choices.push_back(choice);
      if (bar == std::string::npos) break;
      start = bar + 1;
    }
  } else if (decl.choices) {
    return failed("only a VELO_PARAM_CHOICE parameter has choices");
  }
  const bool ranged = spec.type == ParamType::integer || spec.type == ParamType::number || spec.type == ParamType::bytes;
  if ((decl.has_min || decl.has_max) && !ranged) return failed("only integer, number and bytes parameters have a range");
  if (decl.has_min) {
    if (!std::isfinite(decl.min)) return failed("its min is not a finite number");
    spec.min = decl.min;
  }
  if (decl.has_max) {
    if (!std::isfinite(decl.max)) return failed("its max is not a finite number");
    spec.max = decl.max;
  }
  if (spec.min && spec.max && *spec.min > *spec.max) {
    return failed(fmt::format("its range is empty (min {} > max {})", *spec.min, *spec.max));
  }
  auto text = bounded_string(decl.default_value, kMaxDocBytes);
  if (!text) return failed("needs a default value, written as text (\"64\", \"0.5\", \"true\", \"4KiB\")");
  auto value = parse_default(spec.type, *text);
  if (!value) {
    return failed(fmt::format("default \"{}\" is not a valid {}", *text, to_string(spec.type)));
  }
  auto coerced = coerce_param(spec, *value);
  if (!coerced.ok()) return failed(fmt::format("its default does not fit: {}", coerced.error().message));
  spec.default_value = *coerced;
  return spec;
}

}  // namespace velo::plugin

#include "core/params.hpp"

#include <fmt/format.h>

#include <cassert>
#include <charconv>
#include <cmath>
#include <cstdlib>

namespace velo {

std::string_view to_string(ParamType type) {
  switch (type) {
    case ParamType::integer: return "integer";
    case ParamType::number: return "number";
    case ParamType::boolean: return "boolean";
    case ParamType::choice: return "choice";
    case ParamType::bytes: return "bytes";
    case ParamType::text: return "text";
  }
  return "?";
}

std::optional<std::int64_t> parse_bytes(std::string_view text) {
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  std::int64_t number = 0;
  const char* begin = text.data();
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(begin, end, number);
  if (ec != std::errc{} || number < 0) return std::nullopt;
  std::string_view suffix(ptr, static_cast<std::size_t>(end - ptr));
  while (!suffix.empty() && suffix.front() == ' ') suffix.remove_prefix(1);
  struct Unit { std::string_view name; std::int64_t factor; };
  static constexpr Unit units[] = {
      {"", 1},          {"B", 1},
      {"K", 1LL << 10}, {"KiB", 1LL << 10}, {"KB", 1000},
      {"M", 1LL << 20}, {"MiB", 1LL << 20}, {"MB", 1000 * 1000},
      {"G", 1LL << 30}, {"GiB", 1LL << 30}, {"GB", 1000LL * 1000 * 1000},
      {"TiB", 1LL << 40},
  };
  for (const Unit& unit : units) {
    if (suffix == unit.name) {
      if (number > INT64_MAX / unit.factor) return std::nullopt;
      return number * unit.factor;
    }
  }
  return std::nullopt;
}

namespace {

std::string describe_value(const ParamValue& value) {
  return std::visit(
      [](const auto& v) -> std::string {
        using V = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<V, std::string>) return fmt::format("\"{}\"", v);
        else if constexpr (std::is_same_v<V, bool>) return v ? "true" : "false";
        else return fmt::format("{}", v);
      },
      value);
}

std::string range_text(const ParamSpec& spec) {
  if (spec.min && spec.max) return fmt::format(" between {} and {}", *spec.min, *spec.max);
  if (spec.min) return fmt::format(" of at least {}", *spec.min);
  if (spec.max) return fmt::format(" of at most {}", *spec.max);
  return "";
}

Status check_range(const ParamSpec& spec, double x, std::string_view what) {
  if ((spec.min && x < *spec.min) || (spec.max && x > *spec.max)) {
    return make_error(fmt::format("parameter '{}' must be {}{}, got {}", spec.name, what,
                                  range_text(spec), x));
  }
  return {};
}

}  // namespace

Expected<ParamValue> coerce_param(const ParamSpec& spec, const ParamValue& value) {
  auto wrong_type = [&](std::string_view expected) {
    return make_error(fmt::format("parameter '{}' expects {}, got {}", spec.name, expected,
                                  describe_value(value)));
  };
  switch (spec.type) {
    case ParamType::integer: {
      const auto* i = std::get_if<std::int64_t>(&value);
      if (!i) return wrong_type("an integer");
      if (auto s = check_range(spec, static_cast<double>(*i), "an integer"); !s) return s.error();
      return ParamValue{*i};
    }
    case ParamType::number: {
      double x = 0;
      if (const auto* i = std::get_if<std::int64_t>(&value)) x = static_cast<double>(*i);
      else if (const auto* d = std::get_if<double>(&value)) x = *d;
      else return wrong_type("a number");
      if (!std::isfinite(x)) return wrong_type("a finite number");
      if (auto s = check_range(spec, x, "a number"); !s) return s.error();
      return ParamValue{x};
    }
    case ParamType::boolean: {
      const auto* b = std::get_if<bool>(&value);
      if (!b) return wrong_type("true or false");
      return ParamValue{*b};
    }
    case ParamType::choice: {
      const auto* s = std::get_if<std::string>(&value);
      std::string options;
      for (const auto& c : spec.choices) options += (options.empty() ? "" : "|") + c;
      if (!s) return wrong_type(fmt::format("one of {}", options));
      for (const auto& c : spec.choices) {
        if (c == *s) return ParamValue{*s};
      }
      return make_error(fmt::format("parameter '{}' expects one of {}, got \"{}\"", spec.name,
                                    options, *s));
    }
    case ParamType::text: {
      const auto* s = std::get_if<std::string>(&value);
      if (!s || s->empty()) return wrong_type("a non-empty string");
      return ParamValue{*s};
    }
    case ParamType::bytes: {
      std::int64_t n = 0;
      if (const auto* i = std::get_if<std::int64_t>(&value)) {
        n = *i;
      } else if (const auto* s = std::get_if<std::string>(&value)) {
        auto parsed = parse_bytes(*s);
        if (!parsed) return wrong_type("a size in bytes such as 4096 or \"4KiB\"");
        n = *parsed;
      } else {
        return wrong_type("a size in bytes such as 4096 or \"4KiB\"");
      }
      if (n < 0) return wrong_type("a non-negative size in bytes");
      if (auto st = check_range(spec, static_cast<double>(n), "a size"); !st) return st.error();
      return ParamValue{n};
    }
  }
  return wrong_type("a value");
}

std::string format_param(const ParamValue& value, ParamType type) {
  if (const auto* i = std::get_if<std::int64_t>(&value)) {
    if (type == ParamType::bytes && *i > 0) {
      static constexpr std::pair<std::int64_t, std::string_view> units[] = {
          {1LL << 40, "TiB"}, {1LL << 30, "GiB"}, {1LL << 20, "MiB"}, {1LL << 10, "KiB"}};
      for (auto [factor, name] : units) {
        if (*i % factor == 0) return fmt::format("{}{}", *i / factor, name);
      }
    }
    return fmt::format("{}", *i);
  }
  if (const auto* d = std::get_if<double>(&value)) return fmt::format("{}", *d);
  if (const auto* b = std::get_if<bool>(&value)) return *b ? "true" : "false";
  return std::get<std::string>(value);
}

bool Params::has(std::string_view name) const { return values_.find(name) != values_.end(); }

const ParamValue& Params::at(std::string_view name) const {
  auto it = values_.find(name);
  if (it == values_.end()) {
    fmt::print(stderr, "velo: internal error: parameter '{}' is not set\n", name);
    std::abort();
  }
  return it->second;
}

std::int64_t Params::integer(std::string_view name) const {
  const auto* v = std::get_if<std::int64_t>(&at(name));
  assert(v && "parameter is not an integer");
  return *v;
}

double Params::number(std::string_view name) const {
  const ParamValue& v = at(name);
  if (const auto* i = std::get_if<std::int64_t>(&v)) return static_cast<double>(*i);
  const auto* d = std::get_if<double>(&v);
  assert(d && "parameter is not a number");
  return *d;
}

bool Params::boolean(std::string_view name) const {
  const auto* v = std::get_if<bool>(&at(name));
  assert(v && "parameter is not a boolean");
  return *v;
}

const std::string& Params::text(std::string_view name) const {
  const auto* v = std::get_if<std::string>(&at(name));
  assert(v && "parameter is not a string");
  return *v;
}

}  // namespace velo

#include "report/json_reader.hpp"

#include <fmt/format.h>

#include <cmath>

namespace velo::report {

std::string describe_value(const ojson& value) {
  switch (value.type()) {
    case ojson::value_t::object: return "an object";
    case ojson::value_t::array: return "an array";
    case ojson::value_t::null: return "null";
    default: break;
  }
  if (value.is_number_float() && !std::isfinite(value.get<double>())) {
    return "an out-of-range number";
  }
  std::string text = value.dump();
  if (text.size() > 40) text = text.substr(0, 37) + "...";
  return text;
}

std::string child_path(const std::string& parent, std::string_view key) {
  return parent.empty() ? std::string(key) : fmt::format("{}.{}", parent, key);
}

std::string index_path(const std::string& parent, std::size_t index) {
  return fmt::format("{}[{}]", parent, index);
}

void JsonReader::fail(const std::string& path, std::string message) {
  if (error_) return;
  error_ = make_error(path.empty() ? std::move(message) : fmt::format("{}: {}", path, message),
                      SourceLocation{source_, 0, 0});
}

void JsonReader::fail_expected(const std::string& path, std::string_view expected,
                               const ojson& got) {
  fail(path, fmt::format("expected {}, got {}", expected, describe_value(got)));
}

// The field `key` of `object`, or nullptr (with an error) when it is missing.
const ojson* JsonReader::field(const ojson& object, const std::string& path, std::string_view key,
                               std::string_view expected) {
  if (error_) return nullptr;
  auto it = object.find(key);
  if (it == object.end()) {
    fail(child_path(path, key), fmt::format("missing; expected {}", expected));
    return nullptr;
  }
  return &*it;
}

const ojson* JsonReader::object(const ojson& parent, const std::string& path,
                                std::string_view key) {
  const ojson* value = field(parent, path, key, "an object");
  if (value && !value->is_object()) {
    fail_expected(child_path(path, key), "an object", *value);
    return nullptr;
  }
  return value;
}

const ojson* JsonReader::array(const ojson& parent, const std::string& path, std::string_view key) {
  const ojson* value = field(parent, path, key, "an array");
  if (value && !value->is_array()) {
    fail_expected(child_path(path, key), "an array", *value);
    return nullptr;
  }
  return value;
}

std::string JsonReader::string(const ojson& parent, const std::string& path, std::string_view key) {
  const ojson* value = field(parent, path, key, "a string");
  if (!value) return {};
  if (!value->is_string()) {
    fail_expected(child_path(path, key), "a string", *value);
    return {};
  }
  return value->get<std::string>();
}

std::optional<std::string> JsonReader::optional_string(const ojson& parent, const std::string& path,
                                                       std::string_view key) {
  const ojson* value = field(parent, path, key, "a string or null");
  if (!value || value->is_null()) return std::nullopt;
  if (!value->is_string()) {
    fail_expected(child_path(path, key), "a string or null", *value);
    return std::nullopt;
  }
  return value->get<std::string>();
}

bool JsonReader::boolean(const ojson& parent, const std::string& path, std::string_view key) {
  const ojson* value = field(parent, path, key, "true or false");
  if (!value) return false;
  if (!value->is_boolean()) {
    fail_expected(child_path(path, key), "true or false", *value);
    return false;
  }
  return value->get<bool>();
}

std::optional<bool> JsonReader::optional_boolean(const ojson& parent, const std::string& path,
                                                 std::string_view key) {
  const ojson* value = field(parent, path, key, "true, false or null");
  if (!value || value->is_null()) return std::nullopt;
  if (!value->is_boolean()) {
    fail_expected(child_path(path, key), "true, false or null", *value);
    return std::nullopt;
  }
  return value->get<bool>();
}

std::int64_t JsonReader::integer(const ojson& parent, const std::string& path, std::string_view key,
                                 std::int64_t min, std::int64_t max) {
  const ojson* value = field(parent, path, key, "an integer");
  if (!value) return 0;
  const auto got = as_integer(*value);
  if (!got || *got < min || *got > max) {
    const std::string expected = min == std::numeric_limits<std::int64_t>::min() ? "an integer"
                                 : max == std::numeric_limits<std::int64_t>::max()
                                     ? fmt::format("an integer >= {}", min)
                                     : fmt::format("an integer in [{}, {}]", min, max);
    fail_expected(child_path(path, key), expected, *value);
    return 0;
  }
  return *got;
}

std::optional<std::int64_t> JsonReader::optional_integer(const ojson& parent,
                                                         const std::string& path,
                                                         std::string_view key) {
  const ojson* value = field(parent, path, key, "an integer or null");
  if (!value || value->is_null()) return std::nullopt;
  const auto got = as_integer(*value);
  if (!got) fail_expected(child_path(path, key), "an integer or null", *value);
  return got;
}

double JsonReader::number(const ojson& value, const std::string& path) {
  if (error_) return 0;
  // No velo figure is infinite (nlohmann already refuses 1e999; this keeps the
  // rule if that ever changes).
  if (!value.is_number() || !std::isfinite(value.get<double>())) {
    fail_expected(path, "a finite number", value);
    return 0;
  }
  return value.get<double>();
}

double JsonReader::number(const ojson& parent, const std::string& path, std::string_view key) {
  const ojson* value = field(parent, path, key, "a number");
  return value ? number(*value, child_path(path, key)) : 0;
}

std::optional<std::int64_t> JsonReader::as_integer(const ojson& value) {
  if (value.is_number_integer() && !value.is_number_unsigned()) return value.get<std::int64_t>();
  if (value.is_number_unsigned()) {
    const auto u = value.get<std::uint64_t>();
    if (u <= static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
      return static_cast<std::int64_t>(u);
    }
  }
  return std::nullopt;
}

}  // namespace velo::report

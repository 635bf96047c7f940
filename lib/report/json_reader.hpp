// Typed reads from a parsed JSON document that name the JSON path of whatever is
// wrong ("cases[3].status: expected one of ok|skipped|failed|timeout, got \"boom\"").
//
// A JsonReader keeps the first error. After a failure every read returns a default,
// so decoding code reads a whole structure straight through and looks at error()
// once at the end, instead of checking after every field.
#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/result.hpp"

namespace velo::report {

// Ordered, so documents keep the order their keys were written in (metrics do).
using ojson = nlohmann::ordered_json;

// "cases[3]" + "status" -> "cases[3].status"; "" + "status" -> "status".
std::string child_path(const std::string& parent, std::string_view key);
// "cases" + 3 -> "cases[3]".
std::string index_path(const std::string& parent, std::size_t index);
// How a value appears after "got": "\"boom\"", "42", "null", "an array".
std::string describe_value(const ojson& value);

class JsonReader {
 public:
  explicit JsonReader(std::string source) : source_(std::move(source)) {}

  const std::optional<Error>& error() const { return error_; }

  // Records "<path>: <message>" unless an error is already recorded.
  void fail(const std::string& path, std::string message);
  void fail_expected(const std::string& path, std::string_view expected, const ojson& got);

  // Reads of the field `key` of the object `parent`, which is at `path`. A missing
  // field is an error; the optional_ forms accept null as "absent".
  const ojson* field(const ojson& parent, const std::string& path, std::string_view key,
                     std::string_view expected);
  const ojson* object(const ojson& parent, const std::string& path, std::string_view key);
  const ojson* array(const ojson& parent, const std::string& path, std::string_view key);
  std::string string(const ojson& parent, const std::string& path, std::string_view key);
  std::optional<std::string> optional_string(const ojson& parent, const std::string& path,
                                             std::string_view key);
  bool boolean(const ojson& parent, const std::string& path, std::string_view key);
  std::optional<bool> optional_boolean(const ojson& parent, const std::string& path,
                                       std::string_view key);
  std::int64_t integer(const ojson& parent, const std::string& path, std::string_view key,
                       std::int64_t min = std::numeric_limits<std::int64_t>::min(),
                       std::int64_t max = std::numeric_limits<std::int64_t>::max());
  std::optional<std::int64_t> optional_integer(const ojson& parent, const std::string& path,
                                               std::string_view key);
  double number(const ojson& parent, const std::string& path, std::string_view key);
  // A value that is itself at `path` (an array element).
  double number(const ojson& value, const std::string& path);

  // A JSON integer that fits int64 (nlohmann keeps non-negative ones as unsigned).
  static std::optional<std::int64_t> as_integer(const ojson& value);

 private:
  std::string source_;
  std::optional<Error> error_;
};

}  // namespace velo::report

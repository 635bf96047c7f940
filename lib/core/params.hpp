// Parameter values and their declarations. A family declares ParamSpecs; a scenario
// file gives values; the scenario module checks one against the other and fills in
// defaults, so a workload reads a complete, valid Params and never re-validates.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/result.hpp"

namespace velo {

using ParamValue = std::variant<std::int64_t, double, bool, std::string>;

enum class ParamType {
  integer,  // whole number, optional [min, max]
  number,   // real number (an integer literal is accepted), optional [min, max]
  boolean,
  choice,   // one of `choices`
  bytes,    // whole number of bytes; "4KiB", "64MiB", "1GiB" strings accepted
  text,     // any non-empty string (a path, a name)
};

std::string_view to_string(ParamType type);

struct ParamSpec {
  std::string name;
  ParamType type = ParamType::integer;
  ParamValue default_value;
  std::string doc;                   // one line, shown by `velo list`
  std::string unit;                  // "", "B", "ns", "%": shown by `velo list`
  std::vector<std::string> choices;  // for ParamType::choice
  std::optional<double> min;         // inclusive
  std::optional<double> max;         // inclusive
  // false: left out of case ids and table groups, and given one value only. For what
  // does not change what a case measures (baseline_command: the base side's command),
  // so adding it keeps a case's id and its history.
  bool in_id = true;
};

// Checks `value` against `spec` and converts it to the spec's canonical type
// (an integer for bytes, a double for number). The message says what was expected.
Expected<ParamValue> coerce_param(const ParamSpec& spec, const ParamValue& value);

// Canonical text of a value as it appears in case ids and tables:
// integers plain, sizes with a binary suffix when exact ("64KiB"), reals shortest.
std::string format_param(const ParamValue& value, ParamType type = ParamType::integer);

// "4KiB" -> 4096. Accepts B, KiB, MiB, GiB, TiB (and K/M/G as binary, KB/MB/GB as decimal).
std::optional<std::int64_t> parse_bytes(std::string_view text);

// A complete set of parameter values for one case, sorted by name.
class Params {
 public:
  Params() = default;
  explicit Params(std::map<std::string, ParamValue, std::less<>> values) : values_(std::move(values)) {}

  void set(const std::string& name, ParamValue value) { values_[name] = std::move(value); }
  bool has(std::string_view name) const;

  // Typed reads. Asking for a missing name or the wrong type is a programming error:
  // the scenario module guarantees every declared parameter is present and coerced.
  std::int64_t integer(std::string_view name) const;  // integer and bytes
  double number(std::string_view name) const;         // number (and integer, widened)
  bool boolean(std::string_view name) const;
  const std::string& text(std::string_view name) const;  // choice

  const std::map<std::string, ParamValue, std::less<>>& values() const { return values_; }
  bool operator==(const Params&) const = default;

 private:
  const ParamValue& at(std::string_view name) const;
  std::map<std::string, ParamValue, std::less<>> values_;
};

}  // namespace velo

// Small bridges from toml++ nodes to velo's types, shared by the scenario parser
// and the --param parser (internal to lib/scenario).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>
#include <toml++/toml.h>

#include "core/params.hpp"
#include "core/result.hpp"

namespace velo::scenario_detail {

// "integer", "float", "string", "array", "table", ... as a user would call them.
std::string_view type_name(const toml::node& node);

// file:line:column of a node or key; line/column 0 when toml++ does not know.
SourceLocation location_of(const toml::source_region& region, const std::string& file);

// A table's entries in the order they are written in the file. (toml++ keeps a
// table sorted by key; matrices and error order must follow the file.)
std::vector<std::pair<const toml::key*, const toml::node*>> entries_in_file_order(const toml::table& table);

// A TOML scalar a parameter can hold (integer, float, boolean, string);
// nullopt for arrays, tables and dates.
std::optional<ParamValue> param_scalar(const toml::node& node);

// Any TOML value as JSON, verbatim: tables -> objects, dates/times -> ISO 8601 strings.
nlohmann::json to_json(const toml::node& node);

}  // namespace velo::scenario_detail

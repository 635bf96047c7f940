#include "scenario/toml_util.hpp"

#include <algorithm>
#include <sstream>
#include <tuple>

namespace velo::scenario_detail {

std::string_view type_name(const toml::node& node) {
  switch (node.type()) {
    case toml::node_type::none: return "nothing";
    case toml::node_type::table: return "table";
    case toml::node_type::array: return "array";
    case toml::node_type::string: return "string";
    case toml::node_type::integer: return "integer";
    case toml::node_type::floating_point: return "float";
    case toml::node_type::boolean: return "boolean";
    case toml::node_type::date: return "date";
    case toml::node_type::time: return "time";
    case toml::node_type::date_time: return "date-time";
  }
  return "value";
}

SourceLocation location_of(const toml::source_region& region, const std::string& file) {
  return SourceLocation{file, static_cast<int>(region.begin.line), static_cast<int>(region.begin.column)};
}

std::vector<std::pair<const toml::key*, const toml::node*>> entries_in_file_order(const toml::table& table) {
  std::vector<std::pair<const toml::key*, const toml::node*>> entries;
  for (auto&& [key, node] : table) entries.emplace_back(&key, &node);
  std::stable_sort(entries.begin(), entries.end(), [](const auto& a, const auto& b) {
    const auto& x = a.first->source().begin;
    const auto& y = b.first->source().begin;
    return std::tie(x.line, x.column) < std::tie(y.line, y.column);
  });
  return entries;
}

std::optional<ParamValue> param_scalar(const toml::node& node) {
  if (const auto* v = node.as_integer()) return ParamValue{std::int64_t{v->get()}};
  if (const auto* v = node.as_floating_point()) return ParamValue{v->get()};
  if (const auto* v = node.as_boolean()) return ParamValue{v->get()};
  if (const auto* v = node.as_string()) return ParamValue{v->get()};
  return std::nullopt;
}

namespace {

// toml++ prints dates and times in RFC 3339 form, which is what JSON readers expect.
template <typename T>
std::string iso_text(const T& value) {
  std::ostringstream out;
  out << value;
  return out.str();
}

}  // namespace

nlohmann::json to_json(const toml::node& node) {
  switch (node.type()) {
    case toml::node_type::table: {
      nlohmann::json object = nlohmann::json::object();
      for (auto&& [key, value] : *node.as_table()) object[std::string(key.str())] = to_json(value);
      return object;
    }
    case toml::node_type::array: {
      nlohmann::json array = nlohmann::json::array();
      for (const auto& element : *node.as_array()) array.push_back(to_json(element));
      return array;
    }
    case toml::node_type::string: return node.as_string()->get();
    case toml::node_type::integer: return node.as_integer()->get();
    case toml::node_type::floating_point: return node.as_floating_point()->get();
    case toml::node_type::boolean: return node.as_boolean()->get();
    case toml::node_type::date: return iso_text(node.as_date()->get());
    case toml::node_type::time: return iso_text(node.as_time()->get());
    case toml::node_type::date_time: return iso_text(node.as_date_time()->get());
    case toml::node_type::none: break;
  }
  return nullptr;
}

}  // namespace velo::scenario_detail

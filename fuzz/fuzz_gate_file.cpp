// Fuzz target: a gate file (TOML) through the reader a scenario's [gate] shares,
// and the same table as a report stores it (JSON), through add_scenario_gate.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include <toml++/toml.h>

#include "report/gate.hpp"
#include "scenario/gate_table.hpp"

namespace {

// Bounded: toml++ limits nesting, and so does this copy.
nlohmann::json to_json(const toml::node& node, int depth = 0) {
  if (depth > 64) return nullptr;
  if (const auto* table = node.as_table()) {
    nlohmann::json out = nlohmann::json::object();
    for (const auto& [key, value] : *table) out[std::string(key.str())] = to_json(value, depth + 1);
    return out;
  }
  if (const auto* array = node.as_array()) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& value : *array) out.push_back(to_json(value, depth + 1));
    return out;
  }
  if (const auto* s = node.as_string()) return s->get();
  if (const auto* i = node.as_integer()) return i->get();
  if (const auto* f = node.as_floating_point()) return f->get();
  if (const auto* b = node.as_boolean()) return b->get();
  return nullptr;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  toml::table root;
  try {
    root = toml::parse(text, std::string_view("fuzz.toml"));
  } catch (const toml::parse_error&) {
    return 0;
  }
  auto table = velo::read_gate_table(root, "fuzz.toml", velo::GateSource::gate_file);
  if (table.ok()) {
    for (const auto& rule : table->case_rules) (void)rule.pattern.search("counters/mutex/threads=4");
  }
  velo::report::GatePolicy policy;
  if (velo::report::add_scenario_gate("fuzz", to_json(root), policy).ok()) {
    (void)policy.threshold("counters/mutex/threads=4", "fuzz", "ns_per_op");
  }
  return 0;
}

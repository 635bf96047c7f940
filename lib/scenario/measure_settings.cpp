#include "scenario/measure_settings.hpp"

#include <fmt/format.h>

namespace velo {

std::string_view to_string(MeasureMode mode) {
  switch (mode) {
    case MeasureMode::time: return "time";
    case MeasureMode::instructions: return "instructions";
    case MeasureMode::counters: return "counters";
  }
  return "?";
}

std::optional<MeasureMode> parse_measure_mode(std::string_view text) {
  for (MeasureMode mode : {MeasureMode::time, MeasureMode::instructions, MeasureMode::counters}) {
    if (text == to_string(mode)) return mode;
  }
  return std::nullopt;
}

nlohmann::json measure_settings_to_json(const MeasureSettings& settings) {
  return {{"mode", std::string(to_string(settings.mode))},
          {"ops", settings.ops},
          {"cache_sim", settings.cache_sim},
          {"branch_sim", settings.branch_sim},
          {"threaded", settings.threaded}};
}

std::optional<std::string> measure_settings_from_json(const nlohmann::json& json, MeasureSettings& out) {
  if (!json.is_object()) return "expected an object";
  MeasureSettings read;
  if (const auto mode = json.find("mode"); mode != json.end()) {
    const auto parsed = mode->is_string() ? parse_measure_mode(mode->get<std::string>()) : std::nullopt;
    if (!parsed) return fmt::format("mode: expected \"time\", \"instructions\" or \"counters\", got {}", mode->dump());
    read.mode = *parsed;
  }
  if (const auto ops = json.find("ops"); ops != json.end()) {
    if (!ops->is_number_integer() || ops->get<std::int64_t>() < 1 || ops->get<std::int64_t>() > kMaxCountedOps) {
      return fmt::format("ops: expected an integer from 1 to {}, got {}", kMaxCountedOps, ops->dump());
    }
    read.ops = ops->get<std::int64_t>();
  }
  for (auto [key, target] : {std::pair{"cache_sim", &read.cache_sim}, std::pair{"branch_sim", &read.branch_sim},
                             std::pair{"threaded", &read.threaded}}) {
    const auto it = json.find(key);
    if (it == json.end()) continue;
    if (!it->is_boolean()) return fmt::format("{}: expected true or false, got {}", key, it->dump());
    *target = it->get<bool>();
  }
  out = read;
  return std::nullopt;
}

}  // namespace velo

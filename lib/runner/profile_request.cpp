#include "runner/profile_request.hpp"

#include <fmt/format.h>

namespace velo {

std::optional<profiler::Options> resolve_profile(const std::optional<ProfileSettings>& table,
                                                 const ProfileOverrides& overrides) {
  if (overrides.disable) return std::nullopt;
  const bool enabled = overrides.enable || (table && table->enabled);
  if (!enabled) return std::nullopt;
  profiler::Options options;  // the defaults: cpu, 99 Hz, no thread root
  if (table) {
    options.mode = parse_profile_mode(table->mode).value_or(options.mode);
    options.hz = table->hz;
    options.thread_root = table->thread_root;
  }
  if (overrides.mode) options.mode = *overrides.mode;
  if (overrides.hz) options.hz = *overrides.hz;
  if (overrides.thread_root) options.thread_root = *overrides.thread_root;
  return options;
}

std::string_view to_string(profiler::Mode mode) { return mode == profiler::Mode::wall ? "wall" : "cpu"; }

std::optional<profiler::Mode> parse_profile_mode(std::string_view text) {
  if (text == "cpu") return profiler::Mode::cpu;
  if (text == "wall") return profiler::Mode::wall;
  return std::nullopt;
}

report::ProfileRequest to_profile_request(const profiler::Options& options) {
  return {.mode = std::string(to_string(options.mode)), .hz = options.hz, .thread_root = options.thread_root};
}

profiler::Options to_profiler_options(const report::ProfileRequest& request) {
  return {.mode = parse_profile_mode(request.mode).value_or(profiler::Mode::cpu),
          .hz = request.hz,
          .thread_root = request.thread_root};
}

nlohmann::json profile_request_to_json(const profiler::Options& options) {
  return {{"mode", to_string(options.mode)}, {"hz", options.hz}, {"thread_root", options.thread_root}};
}

Expected<profiler::Options> profile_request_from_json(const nlohmann::json& json) {
  const auto bad = [&json] { return make_error(fmt::format("bad profile request: {}", json.dump())); };
  if (!json.is_object() || !json.contains("mode") || !json.contains("hz") || !json.contains("thread_root")) {
    return bad();
  }
  const auto& mode = json["mode"];
  const auto& hz = json["hz"];
  const auto& thread_root = json["thread_root"];
  if (!mode.is_string() || !hz.is_number_integer() || !thread_root.is_boolean()) return bad();
  const auto parsed_mode = parse_profile_mode(mode.get<std::string>());
  if (!parsed_mode) return bad();
  return profiler::Options{.mode = *parsed_mode, .hz = hz.get<int>(), .thread_root = thread_root.get<bool>()};
}

}  // namespace velo

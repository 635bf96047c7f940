// Which cases of a run are profiled, and how: the command line (`velo run
// --profile[=cpu|wall] --profile-hz N --profile-thread-root --no-profile`) over a
// scenario's [profile] table over the defaults (cpu, 99 Hz, no thread root).
//
// Precedence, per setting: a command-line option wins; else the scenario's
// [profile] value; else the default. Profiling is on for a scenario's cases when
// any of --profile, --profile-hz, --profile-thread-root is given, or when the
// scenario says `enabled = true`; --no-profile turns it off everywhere.
//
// The parent resolves one request per scenario and forwards it to the worker with
// each case (as JSON in the worker request's settings).
#pragma once

#include <optional>

#include <nlohmann/json.hpp>

#include "core/result.hpp"
#include "profiler/profiler.hpp"
#include "report/run_request.hpp"
#include "scenario/scenario.hpp"

namespace velo {

struct ProfileOverrides {
  bool enable = false;   // --profile, --profile-hz or --profile-thread-root given
  bool disable = false;  // --no-profile
  std::optional<profiler::Mode> mode;
  std::optional<int> hz;
  std::optional<bool> thread_root;
};

// The scenario's profile request, or nullopt when its cases are not profiled.
std::optional<profiler::Options> resolve_profile(const std::optional<ProfileSettings>& table,
                                                 const ProfileOverrides& overrides);

std::string_view to_string(profiler::Mode mode);
std::optional<profiler::Mode> parse_profile_mode(std::string_view text);

// The same request as a report records it (report/run_request.hpp) and back.
report::ProfileRequest to_profile_request(const profiler::Options& options);
profiler::Options to_profiler_options(const report::ProfileRequest& request);

// {"mode": "cpu", "hz": 99, "thread_root": false}
nlohmann::json profile_request_to_json(const profiler::Options& options);
Expected<profiler::Options> profile_request_from_json(const nlohmann::json& json);

}  // namespace velo

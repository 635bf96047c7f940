// What `velo run` was asked to do beyond its scenario files: the filter, the
// overrides of [run], how each scenario was profiled, whether cases ran isolated and
// which other build was measured beside this one. One piece of code writes it into
// every report (the JSON object "settings", reports/SPEC.md) and reads it back, so
// `velo gate --confirm` re-measures suspects exactly as they were measured, timeout
// included.
//
// Reading is lenient because the request is provenance, not data: reports written
// by older velos or by hand may lack keys or hold nulls. A key that is missing,
// null, of the wrong type or unknown falls back to the default and adds a warning;
// it never fails the report.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "scenario/scenario.hpp"

namespace velo::report {

// How the cases of one scenario were profiled (runner/profile_request.hpp decides).
struct ProfileRequest {
  std::string mode = "cpu";  // "cpu" or "wall"
  int hz = 99;
  bool thread_root = false;

  bool operator==(const ProfileRequest&) const = default;
};

struct RunRequest {
  std::string filter;                        // --filter, "" = every case
  std::vector<std::string> param_overrides;  // --param KEY=VALUE, in order
  std::optional<int> repetitions, forks;     // --repetitions, --forks
  std::optional<double> min_time_s, warmup_s, timeout_s;
  bool pin_threads = false;                  // --pin-threads
  bool isolate = true;                       // false: --no-isolate
  // --measure, --ops, --cache-sim, --branch-sim, --threaded (scenario/measure_settings.hpp);
  // unset / false leaves each scenario's [run] as written.
  std::optional<MeasureMode> measure;
  std::optional<std::int64_t> ops;
  bool cache_sim = false, branch_sim = false, threaded = false;
  std::string profile_dir;                   // where folded stacks went; "" = nothing profiled
  std::map<std::string, ProfileRequest> profiles;  // scenario name -> how its cases were profiled
  std::optional<std::string> baseline_velo;  // --baseline-velo: the other build of a paired run
  // Every plugin loaded for the run (--plugin and [scenario] plugins), as
  // plugin::loaded_identities() describes them: path, name, version, build id, hash.
  nlohmann::json plugins = nlohmann::json::array();
  std::vector<std::string> baseline_plugins;  // --baseline-plugin: the base builds of the plugins
  // --shard I/N: {"index": I, "count": N, "total_cases": T} (shard/shard.hpp); null when
  // the run was whole. `velo merge` checks it without trusting its shape.
  nlohmann::json shard = nullptr;
  std::optional<int> merged_shards;  // set by `velo merge` on the report it writes

  // The part that re-expanding the scenario files needs (scenario/scenario.hpp).
  Overrides overrides() const;

  bool operator==(const RunRequest&) const = default;
};

// Keys sorted by name, as reports have always had them.
nlohmann::ordered_json run_request_to_json(const RunRequest& request);
// Never fails: whatever cannot be read falls back and is described in `warnings`
// ("settings.timeout_s: expected a number, got null; using the scenario's value").
RunRequest run_request_from_json(const nlohmann::ordered_json& json, std::vector<std::string>& warnings);

}  // namespace velo::report

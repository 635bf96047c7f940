// Scenario files: reading and validating them into plain structs, and expanding
// them into the cases the runner measures. The format is documented in
// docs/scenario-format.md.
//
// Every function returns the FIRST problem it finds as an Error naming the file,
// line and column and what was expected; nothing is half-loaded. parse_scenario
// validates everything a file alone determines (including every point of its
// parameter matrix against the family), so `velo check` and `velo run` reject the
// same files; expand_cases only adds the command-line overrides on top.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/params.hpp"
#include "core/result.hpp"
#include "families/family.hpp"
#include "scenario/case.hpp"

namespace velo {

// The most repetitions, and forks, a case may have (the same cap as the command line).
inline constexpr int kMaxRepetitions = 100000;
// The most cases one run may expand to (README, "Limits"): a parameter matrix beyond
// it is refused before it is materialised.
inline constexpr std::size_t kMaxCases = 100000;
// `--measure instructions` multiplies the default timeout by this, since a case runs
// tens of times slower under Valgrind; a timeout set in [run] or by --timeout is kept.
inline constexpr double kCountedTimeoutFactor = 10;

struct ProfileSettings {
  bool enabled = false;
  std::string mode = "cpu";  // "cpu" | "wall"
  int hz = 99;               // 1..10000
  bool thread_root = false;
};

struct VariantDef {
  std::string name, impl;
  bool baseline = false;
  std::vector<std::pair<std::string, std::vector<ParamValue>>> params;  // per-variant overrides, file order
  SourceLocation where;
};

struct Scenario {
  std::string path;      // as given, or "<builtin>/quick/counters.toml"
  std::string content;   // the file's bytes (its content_hash() goes into reports)
  std::string name, family, description;
  std::optional<int> repetitions, forks;                        // [run], unset = default
  std::optional<double> min_time_s, warmup_s, timeout_s;
  std::optional<bool> pin_threads;
  std::optional<MeasureMode> measure;                           // [run] measure, ops, cache_sim, ...
  std::optional<std::int64_t> ops;
  std::optional<bool> cache_sim, branch_sim, threaded;
  std::vector<std::pair<std::string, std::vector<ParamValue>>> params;  // [params], file order
  std::vector<VariantDef> variants;
  std::optional<ProfileSettings> profile;   // [profile] table
  nlohmann::json gate = nullptr;            // [gate] table converted verbatim (validated by the gate module)
};

Expected<Scenario> parse_scenario(std::string_view text, const std::string& path, const Registry& registry);
Expected<Scenario> load_scenario_file(const std::string& path, const Registry& registry);

// Files and directories (a directory: every *.toml below it, sorted). Two files with
// the same scenario name: error.
Expected<std::vector<Scenario>> load_scenarios(const std::vector<std::string>& paths, const Registry& registry);

// The quick suite compiled into the binary (scenarios/quick/*.toml), so `velo run`
// works from any directory.
Expected<std::vector<Scenario>> load_builtin_quick_suite(const Registry& registry);

struct Overrides {
  std::vector<std::string> params;   // "KEY=VALUE" from --param, repeatable, in order
  std::optional<int> repetitions, forks;
  std::optional<double> min_time_s, warmup_s, timeout_s;
  bool pin_threads = false;  // --pin-threads: on for every case (off leaves [run] as written)
  // --measure, --ops; --cache-sim, --branch-sim, --threaded turn on (off leaves [run] as written)
  std::optional<MeasureMode> measure;
  std::optional<std::int64_t> ops;
  bool cache_sim = false, branch_sim = false, threaded = false;
};

Expected<std::vector<Case>> expand_cases(const std::vector<Scenario>& scenarios, const Overrides& overrides,
                                         const Registry& registry);

}  // namespace velo

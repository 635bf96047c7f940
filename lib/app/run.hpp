// `velo run`: scenario files (or the built-in quick suite) in, a measured session
// out, its report (and the other build's, when paired) written atomically. Errors
// found before anything is measured (bad scenarios, patterns, outputs that cannot be
// written, a --baseline-velo that is not velo) are returned as an Error (exit 2);
// everything after is in the RunOutput. Printing tables is the caller's.
#pragma once

#include <string>
#include <vector>

#include "app/external_baseline.hpp"
#include "core/result.hpp"
#include "families/family.hpp"
#include "report/run_request.hpp"
#include "runner/profile_request.hpp"
#include "runner/session.hpp"

namespace velo::app {

struct RunInput {
  std::vector<std::string> paths;  // scenario files or directories; empty = the built-in quick suite
  // Filter, overrides, isolation and the other build; run() fills in the profiles
  // from `profiling` and the scenarios' [profile] tables.
  report::RunRequest request;
  ProfileOverrides profiling;
  std::string profile_dir = "velo-profiles";
  std::string out = "velo-report.json";
  std::string baseline_out = "velo-baseline.json";  // with request.baseline_velo or baseline_plugins
  // --plugin paths (already loaded by the caller) and --baseline-plugin, base builds
  // of plugins loaded by --plugin or the scenarios, each paired with the one that has
  // its implementation names (plugin::pair_baselines): then the run is paired, this
  // velo measuring both.
  std::vector<std::string> plugins;
  std::vector<std::string> baseline_plugins;
  // --baseline-binary and --baseline-dir: external benchmarks paired with their base
  // build (app/external_baseline.hpp), this velo measuring both sides.
  ExternalBaselineOptions external_baseline;
  // --shard I/N: only shard I of N of the cases (shard/shard.hpp), balanced by the wall
  // times of the report --shard-durations names, else by count.
  std::string shard;
  std::string shard_durations;
  bool quiet = false;
};

struct RunOutput {
  SessionResult session;
  std::size_t cases = 0;             // how many cases were to be measured
  std::vector<std::string> written;  // "report written to X", in order
  std::vector<Error> errors;         // outputs that could not be written after measuring
  std::vector<std::string> warnings; // said on stderr, also with --quiet (e.g. benchmarks only the base has)
  int exit_code = 0;
};

Expected<RunOutput> run(const Registry& registry, const RunInput& input);

}  // namespace velo::app

// A whole `velo run`: every case in order, isolated or in-process, with progress,
// Ctrl-C handling and the report that records it all.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "profiler/profiler.hpp"
#include "report/report.hpp"
#include "scenario/case.hpp"

namespace velo {

struct SessionOptions {
  bool isolate = true;
  bool quiet = false;
  std::string executable;  // for workers; default /proc/self/exe
  nlohmann::json settings = nlohmann::json::object();  // recorded in the report, forwarded to workers
  // Scenario name -> how its cases are profiled (runner/profile_request.hpp);
  // cases of scenarios not listed are not profiled.
  std::map<std::string, profiler::Options> profiles;
  std::string profile_dir = "velo-profiles";  // folded files (runner/profile_files.hpp)
  // Another velo build (e.g. the base commit's). Set: every fork of every case is
  // measured twice, back to back, by that build's worker and by this one's, which
  // goes first alternating; its results form SessionResult::baseline. Needs isolate.
  std::string baseline_executable;
  // Merged into the baseline side's worker settings only (e.g. the plugin builds
  // --baseline-plugin substitutes, lib/plugin/plugin.hpp).
  nlohmann::json baseline_settings = nlohmann::json::object();
};

struct SessionResult {
  report::Report report;
  bool interrupted = false;  // Ctrl-C: report.complete is false and holds the cases finished so far
  bool any_failed = false;   // a case failed or timed out
  // Interrupted: the cases measured in some but not all of their forks (marked
  // partial in the report), and those measured in all of them.
  std::vector<std::string> partial_cases;
  int finished_cases = 0;
  int profiled_cases = 0;    // cases whose folded file was written to profile_dir
  std::vector<std::string> profile_errors;  // folded files that could not be written
  // With SessionOptions::baseline_executable: the other build's report of the same
  // run (its provenance is this build's until the caller sets it).
  std::optional<report::Report> baseline;
};

SessionResult run_session(const std::vector<Case>& cases, std::vector<report::ScenarioRecord> scenarios,
                          const SessionOptions& options);

// Version and commit of velo, and the git state of the directory it runs in.
report::Provenance capture_provenance();

// The version and commit another velo build reports (`PATH --version` prints
// "velo 0.1.0 (93b2d7eb5136)"); an error if PATH is not a velo at all.
Expected<report::Provenance> build_provenance(const std::string& velo_path);

}  // namespace velo

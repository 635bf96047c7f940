// The report model: everything one `velo run` measured, plus what is needed to
// judge whether two reports can be compared (environment, provenance, scenario
// hashes). Serialized as versioned JSON; the format is specified in reports/.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/host.hpp"
#include "core/metric.hpp"
#include "core/result.hpp"
#include "report/run_request.hpp"
#include "scenario/case.hpp"
#include "stats/summary.hpp"

namespace velo::report {

inline constexpr int kSchemaVersion = 1;
// Deepest nesting of arrays and objects a report may have (velo's own nest far less).
inline constexpr std::size_t kMaxJsonDepth = 64;

enum class CaseStatus { ok, skipped, failed, timeout };
std::string_view to_string(CaseStatus status);
std::optional<CaseStatus> parse_case_status(std::string_view text);

struct MetricResult {
  MetricSpec spec;
  std::vector<double> samples;  // one per repetition, in run order
  stats::Summary summary;       // recomputed from samples when a report is read
};

struct CaseResult {
  Case spec;
  CaseStatus status = CaseStatus::ok;
  std::string reason;  // why skipped/failed/timeout; empty when ok
  std::vector<MetricResult> metrics;  // runner metrics first, then the family's
  nlohmann::json details = nlohmann::json::object();  // family-specific facts
  std::optional<std::int64_t> peak_rss_bytes;  // of the worker process (wait4); absent in-process
  double wall_seconds = 0;  // the whole case, worker start to exit
  // The run was interrupted after some but not all of the case's forks: its samples
  // are fewer than its settings say. Written to the report only when true.
  bool partial = false;

  const MetricResult* find_metric(std::string_view name) const;

  // Caveats flagged in tables and comparisons, like an unstable coefficient of
  // variation. Threads apart: the median overlap_pct is below stats::kMinOverlapPct
  // (its threads did not run together for most of each round). Forks disagree: the
  // fork medians lie apart beyond the noise within forks (details.fork_spread,
  // stats/fork_spread.hpp).
  bool threads_apart() const;
  bool forks_disagree() const;
};

struct Provenance {
  std::string velo_version;
  std::string velo_commit;             // the commit velo was built from
  std::string directory;               // where velo was run
  std::optional<std::string> git_commit;  // of `directory`, when it is a repository
  std::optional<bool> git_dirty;
};

struct ScenarioRecord {
  std::string path;    // as given, or "<builtin>/quick/counters.toml"
  std::string name;
  std::string family;
  std::string content_hash;  // "fnv1a64:0123456789abcdef"
  nlohmann::json gate = nullptr;  // the scenario's [gate] table, verbatim, when present
};

// Both reports of one paired run (`velo run --baseline-velo`) carry the same run_id:
// fork k of each case was measured by both builds back to back, so compare and gate
// test such a pair fork by fork (report/compare.hpp).
struct Pairing {
  std::string run_id;  // 16 hex digits, random per run
  std::string role;    // "head" (the build that ran) or "base" (the --baseline-velo build)
};

struct Report {
  int schema_version = kSchemaVersion;
  std::string started_at;   // ISO 8601 UTC
  std::string finished_at;
  bool complete = true;     // false when interrupted (Ctrl-C)
  Provenance provenance;
  Environment environment;
  RunRequest request;  // what the run was asked to do (JSON "settings"; report/run_request.hpp)
  std::optional<Pairing> pairing;  // set only on the two reports of a paired run
  std::vector<ScenarioRecord> scenarios;
  std::vector<CaseResult> cases;
  std::vector<std::string> notes;  // machine-level caveats ("hardware counters unavailable: ...")
  // Not serialized: what reading this report had to overlook (settings that older or
  // hand-written reports hold in another form); commands that rely on it print them.
  std::vector<std::string> read_warnings;
};

// JSON text of a report (pretty-printed, stable key order).
std::string to_json_text(const Report& report);
// Parses a report; errors name `source` (a file name) and what was expected.
Expected<Report> parse_report(std::string_view text, const std::string& source);
Expected<Report> read_report_file(const std::string& path);

// One case as a report's "cases" holds it; the worker protocol (runner/worker_message.hpp)
// carries cases in this form. Errors name `source` and the JSON path under "case".
nlohmann::ordered_json case_result_to_json(const CaseResult& result);
Expected<CaseResult> case_result_from_json(const nlohmann::ordered_json& json, const std::string& source);

}  // namespace velo::report

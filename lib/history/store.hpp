// Where the history lives. One interface, so the embedded SQLite file (the default)
// and a shared server for a CI fleet can sit behind the same commands.
//
// What is stored for each report: the report itself, re-serialized by velo's own
// writer (report/report.hpp), so `history export` gives back every field exactly;
// and, for queries, one row per case (id, status), per metric (name, unit, better,
// median) and per sample (repetition, value), with the report's commit, branch, start
// time, machine and build (history/series.hpp). A report is identified by the hash of
// that serialized text: adding the same report again changes nothing.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/pattern.hpp"
#include "core/result.hpp"
#include "history/series.hpp"
#include "report/report.hpp"

namespace velo::history {

struct StoredReport {
  std::int64_t id = 0;
  std::string content_hash;
  std::string started_at;
  std::string commit;
  std::string branch;
  std::string machine;
  std::string build;
  std::string added_at;
  std::int64_t cases = 0;
};

struct AddOutcome {
  std::int64_t id = 0;
  bool added = false;  // false: the same report was already stored (id is that one)
  std::string content_hash;
};

struct SeriesQuery {
  std::optional<std::string> case_id;        // exactly this case
  std::optional<Pattern> case_pattern;       // or the cases matching this
  std::vector<std::string> metrics;          // empty: every metric
  std::optional<std::string> branch;         // only runs recorded on this branch
  std::optional<std::string> machine;        // only this machine key
  std::optional<std::string> build;          // only this build key
};

class Store {
 public:
  virtual ~Store() = default;
  virtual int schema_version() = 0;
  // Stores the report unless a report with the same content hash is stored already.
  virtual Expected<AddOutcome> add(const report::Report& report, const std::string& branch) = 0;
  virtual Expected<std::vector<StoredReport>> reports() = 0;
  // The stored report's JSON text; an error when no report has this id.
  virtual Expected<std::string> report_json(std::int64_t id) = 0;
  // Series of the cases that ran ok, one per (machine, build, case, metric), each
  // ordered by start time (then by id), sorted by key.
  virtual Expected<std::vector<Series>> series(const SeriesQuery& query) = 0;
};

enum class OpenMode {
  create,    // create the database (and its schema) when missing
  existing,  // the database must exist: an error names the path otherwise
};

// `location` is a file path (SQLite, sqlite_store.hpp) or a postgresql:// URL
// (PostgreSQL, postgres_store.hpp).
Expected<std::unique_ptr<Store>> open_store(const std::string& location, OpenMode mode);

// The default database when --db is not given: $VELO_HISTORY_DB, else
// "velo-history.db" in the current directory.
std::string default_db_path();

// `location` as it may be shown (in messages, on pages): a postgresql:// URL's
// password, in its user part or its query, is replaced by ***.
std::string location_for_display(const std::string& location);

// The canonical text stored for `report` and its content hash ("fnv1a64:...").
std::string canonical_json(const report::Report& report);

}  // namespace velo::history

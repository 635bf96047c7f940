// The SQLite schema, as the list of migrations that build it. Never edit a migration
// that has shipped: add the next one.
#include "history/sqlite_store.hpp"

namespace velo::history {

namespace {

constexpr Migration kMigrations[] = {
    {1, "reports, case results, metrics and samples",
     R"sql(
CREATE TABLE reports (
  id INTEGER PRIMARY KEY,
  content_hash TEXT NOT NULL UNIQUE,
  started_at TEXT NOT NULL,
  commit_id TEXT NOT NULL,
  branch TEXT NOT NULL,
  machine TEXT NOT NULL,
  build TEXT NOT NULL,
  added_at TEXT NOT NULL,
  report_json TEXT NOT NULL
);
CREATE TABLE case_results (
  id INTEGER PRIMARY KEY,
  report_id INTEGER NOT NULL REFERENCES reports(id),
  case_id TEXT NOT NULL,
  status TEXT NOT NULL
);
CREATE TABLE metrics (
  id INTEGER PRIMARY KEY,
  case_result_id INTEGER NOT NULL REFERENCES case_results(id),
  name TEXT NOT NULL,
  unit TEXT NOT NULL,
  better TEXT NOT NULL,
  median REAL
);
CREATE TABLE samples (
  metric_id INTEGER NOT NULL REFERENCES metrics(id),
  repetition INTEGER NOT NULL,
  value REAL NOT NULL,
  PRIMARY KEY (metric_id, repetition)
);
)sql"},
    {2, "indexes for series queries",
     R"sql(
CREATE INDEX case_results_by_case ON case_results(case_id, report_id);
CREATE INDEX metrics_by_case_result ON metrics(case_result_id);
CREATE INDEX reports_by_series ON reports(machine, build, started_at);
)sql"},
};

}  // namespace

std::span<const Migration> sqlite_migrations() { return kMigrations; }

int latest_sqlite_schema() { return kMigrations[std::size(kMigrations) - 1].version; }

}  // namespace velo::history

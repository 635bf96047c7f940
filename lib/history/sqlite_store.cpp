// The SQLite history store; the file's contract is in sqlite_store.hpp.
#include "history/sqlite_store.hpp"

#include <fmt/format.h>
#include <sqlite3.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>

#include "core/host.hpp"
#include "core/text.hpp"
#include "stats/summary.hpp"

namespace velo::history {

namespace {

struct DbCloser {
  void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
struct StmtFinalizer {
  void operator()(sqlite3_stmt* stmt) const { sqlite3_finalize(stmt); }
};
using Db = std::unique_ptr<sqlite3, DbCloser>;
using Stmt = std::unique_ptr<sqlite3_stmt, StmtFinalizer>;

std::string column_text(sqlite3_stmt* stmt, int column) {
  const auto* text = sqlite3_column_text(stmt, column);
  return text == nullptr ? std::string() : std::string(reinterpret_cast<const char*>(text),
                                                       static_cast<std::size_t>(sqlite3_column_bytes(stmt, column)));
}

class SqliteStore final : public Store {
 public:
  SqliteStore(std::string path, Db db) : path_(std::move(path)), db_(std::move(db)) {}

  Status configure() {
    sqlite3_extended_result_codes(db_.get(), 1);
    sqlite3_busy_timeout(db_.get(), kBusyTimeoutMs);
    if (auto on = exec("PRAGMA foreign_keys = ON", "configuring"); !on.ok()) return on;
    // Write-ahead logging lets readers go on while a CI job writes. It is a property
    // of the file: set once; a concurrent opener may hold the lock, then it is theirs to set.
    std::string current;
    {
      auto mode = prepare("PRAGMA journal_mode");
      if (!mode.ok()) return mode.error();
      if (sqlite3_step(mode->get()) != SQLITE_ROW) return error("reading the journal mode");
      current = column_text(mode->get(), 0);
    }  // finalized: an open statement would hold a read transaction
    if (current != "wal") {
      const int rc = sqlite3_exec(db_.get(), "PRAGMA journal_mode = WAL", nullptr, nullptr, nullptr);
      if (rc != SQLITE_OK && (rc & 0xff) != SQLITE_BUSY && (rc & 0xff) != SQLITE_LOCKED) {
        return error("switching to write-ahead logging");
      }
    }
    return {};
  }

  Status migrate(int target) {
    auto version = user_version();
    if (!version.ok()) return version.error();
    if (*version > latest_sqlite_schema()) {
      return make_error(fmt::format("history database {}: schema version {} was written by a newer velo (this one "
                                    "knows up to {}); use that velo or another --db",
                                    path_, *version, latest_sqlite_schema()));
    }
    if (*version >= target) {
      version_ = *version;
      return {};
    }
    if (auto begun = exec("BEGIN IMMEDIATE", "starting the schema migration"); !begun.ok()) return begun;
    Rollback guard{this};
    version = user_version();  // another process may have migrated meanwhile
    if (!version.ok()) return version.error();
    for (const Migration& m : sqlite_migrations()) {
      if (m.version <= *version || m.version > target) continue;
      const std::string sql = std::string(m.sql) + fmt::format("PRAGMA user_version = {};", m.version);
      if (auto done = exec(sql.c_str(), fmt::format("migrating to schema {} ({})", m.version, m.what)); !done.ok()) {
        return done;
      }
    }
    if (auto committed = exec("COMMIT", "committing the schema migration"); !committed.ok()) return committed;
    guard.active = false;
    version_ = std::max(*version, target);
    return {};
  }

  int schema_version() override { return version_; }

  Expected<AddOutcome> add(const report::Report& report, const std::string& branch) override {
    const std::string text = canonical_json(report);
    AddOutcome outcome{.content_hash = content_hash(text)};
    if (auto begun = exec("BEGIN IMMEDIATE", "starting to add a report"); !begun.ok()) return begun.error();
    Rollback guard{this};

    auto existing = prepare("SELECT id FROM reports WHERE content_hash = ?1");
    if (!existing.ok()) return existing.error();
    bind(existing->get(), 1, outcome.content_hash);
    const int found = sqlite3_step(existing->get());
    if (found == SQLITE_ROW) {
      outcome.id = sqlite3_column_int64(existing->get(), 0);
      return outcome;  // the guard rolls back the empty transaction
    }
    if (found != SQLITE_DONE) return error("looking up the report's hash");

    auto insert_report = prepare(
        "INSERT INTO reports (content_hash, started_at, commit_id, branch, machine, build, added_at, report_json) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
    auto insert_case = prepare("INSERT INTO case_results (report_id, case_id, status) VALUES (?1, ?2, ?3)");
    auto insert_metric =
        prepare("INSERT INTO metrics (case_result_id, name, unit, better, median) VALUES (?1, ?2, ?3, ?4, ?5)");
    auto insert_sample = prepare("INSERT INTO samples (metric_id, repetition, value) VALUES (?1, ?2, ?3)");
    for (const auto* stmt : {&insert_report, &insert_case, &insert_metric, &insert_sample}) {
      if (!stmt->ok()) return stmt->error();
    }
    sqlite3_stmt* r = insert_report->get();
    bind(r, 1, outcome.content_hash);
    bind(r, 2, report.started_at);
    bind(r, 3, commit_of(report));
    bind(r, 4, branch);
    bind(r, 5, machine_key(report.environment));
    bind(r, 6, build_key(report.environment));
    bind(r, 7, iso8601_utc_now());
    bind(r, 8, text);
    if (sqlite3_step(r) != SQLITE_DONE) return error("storing the report");
    outcome.id = sqlite3_last_insert_rowid(db_.get());

    for (const report::CaseResult& c : report.cases) {
      sqlite3_stmt* cs = insert_case->get();
      sqlite3_reset(cs);
      sqlite3_bind_int64(cs, 1, outcome.id);
      bind(cs, 2, c.spec.id);
      bind(cs, 3, std::string(report::to_string(c.status)));
      if (sqlite3_step(cs) != SQLITE_DONE) return error("storing a case");
      const std::int64_t case_row = sqlite3_last_insert_rowid(db_.get());
      for (const report::MetricResult& m : c.metrics) {
        sqlite3_stmt* ms = insert_metric->get();
        sqlite3_reset(ms);
        sqlite3_bind_int64(ms, 1, case_row);
        bind(ms, 2, m.spec.name);
        bind(ms, 3, m.spec.unit);
        bind(ms, 4, std::string(to_string(m.spec.better)));
        if (m.samples.empty()) sqlite3_bind_null(ms, 5);
        else sqlite3_bind_double(ms, 5, stats::median(m.samples));
        if (sqlite3_step(ms) != SQLITE_DONE) return error("storing a metric");
        const std::int64_t metric_row = sqlite3_last_insert_rowid(db_.get());
        for (std::size_t i = 0; i < m.samples.size(); ++i) {
          sqlite3_stmt* ss = insert_sample->get();
          sqlite3_reset(ss);
          sqlite3_bind_int64(ss, 1, metric_row);
          sqlite3_bind_int64(ss, 2, static_cast<sqlite3_int64>(i));
          sqlite3_bind_double(ss, 3, m.samples[i]);
          if (sqlite3_step(ss) != SQLITE_DONE) return error("storing a sample");
        }
      }
    }
    if (auto committed = exec("COMMIT", "committing the report"); !committed.ok()) return committed.error();
    guard.active = false;
    outcome.added = true;
    return outcome;
  }

  Expected<std::vector<StoredReport>> reports() override {
    auto stmt = prepare(
        "SELECT r.id, r.content_hash, r.started_at, r.commit_id, r.branch, r.machine, r.build, r.added_at, "
        "(SELECT count(*) FROM case_results c WHERE c.report_id = r.id) FROM reports r ORDER BY r.started_at, r.id");
    if (!stmt.ok()) return stmt.error();
    std::vector<StoredReport> out;
    int rc;
    while ((rc = sqlite3_step(stmt->get())) == SQLITE_ROW) {
      sqlite3_stmt* s = stmt->get();
      out.push_back({.id = sqlite3_column_int64(s, 0),
                     .content_hash = column_text(s, 1),
                     .started_at = column_text(s, 2),
                     .commit = column_text(s, 3),
                     .branch = column_text(s, 4),
                     .machine = column_text(s, 5),
                     .build = column_text(s, 6),
                     .added_at = column_text(s, 7),
                     .cases = sqlite3_column_int64(s, 8)});
    }
    if (rc != SQLITE_DONE) return error("listing reports");
    return out;
  }

  Expected<std::string> report_json(std::int64_t id) override {
    auto stmt = prepare("SELECT report_json FROM reports WHERE id = ?1");
    if (!stmt.ok()) return stmt.error();
    sqlite3_bind_int64(stmt->get(), 1, id);
    const int rc = sqlite3_step(stmt->get());
    if (rc == SQLITE_ROW) return column_text(stmt->get(), 0);
    if (rc == SQLITE_DONE) {
      return make_error(fmt::format("history database {}: no report with id {} (see velo history list)", path_, id));
    }
    return error("reading a report");
  }

  Expected<std::vector<Series>> series(const SeriesQuery& query) override {
    auto stmt = prepare(
        "SELECT r.id, r.commit_id, r.branch, r.started_at, r.machine, r.build, c.case_id, m.id, m.name, m.unit, "
        "m.better, s.value "
        "FROM reports r JOIN case_results c ON c.report_id = r.id JOIN metrics m ON m.case_result_id = c.id "
        "JOIN samples s ON s.metric_id = m.id "
        "WHERE c.status = 'ok' AND (?1 IS NULL OR c.case_id = ?1) AND (?2 IS NULL OR r.branch = ?2) "
        "AND (?3 IS NULL OR r.machine = ?3) AND (?4 IS NULL OR r.build = ?4) "
        "ORDER BY r.machine, r.build, c.case_id, m.name, r.started_at, r.id, s.repetition");
    if (!stmt.ok()) return stmt.error();
    sqlite3_stmt* s = stmt->get();
    bind_optional(s, 1, query.case_id);
    bind_optional(s, 2, query.branch);
    bind_optional(s, 3, query.machine);
    bind_optional(s, 4, query.build);

    std::vector<Series> out;
    std::int64_t current_metric = -1;
    auto finish_point = [&] {
      if (!out.empty() && !out.back().points.empty()) {
        auto& point = out.back().points.back();
        point.median = stats::median(point.samples);
      }
    };
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
      SeriesKey key{column_text(s, 4), column_text(s, 5), column_text(s, 6), column_text(s, 8)};
      if (query.case_pattern && !query.case_pattern->search(key.case_id)) continue;
      if (!query.metrics.empty() &&
          std::find(query.metrics.begin(), query.metrics.end(), key.metric) == query.metrics.end()) {
        continue;
      }
      const std::int64_t metric_row = sqlite3_column_int64(s, 7);
      if (metric_row != current_metric) {
        finish_point();
        current_metric = metric_row;
        if (out.empty() || !(out.back().key == key)) {
          const std::string better = column_text(s, 10);
          out.push_back({.key = std::move(key),
                         .unit = column_text(s, 9),
                         .better = better == "higher" ? Better::higher : Better::lower});
        }
        out.back().points.push_back({.report_id = sqlite3_column_int64(s, 0),
                                     .commit = column_text(s, 1),
                                     .branch = column_text(s, 2),
                                     .started_at = column_text(s, 3)});
      }
      out.back().points.back().samples.push_back(sqlite3_column_double(s, 11));
    }
    finish_point();
    if (rc != SQLITE_DONE) return error("reading series");
    return out;
  }

 private:
  struct Rollback {
    SqliteStore* store;
    bool active = true;
    ~Rollback() {
      if (active) sqlite3_exec(store->db_.get(), "ROLLBACK", nullptr, nullptr, nullptr);
    }
  };

  Error error(std::string_view doing) const {
    return make_error(fmt::format("history database {}: {}: {}", path_, doing, sqlite3_errmsg(db_.get())));
  }

  Status exec(const char* sql, std::string_view doing) {
    if (sqlite3_exec(db_.get(), sql, nullptr, nullptr, nullptr) != SQLITE_OK) return error(doing);
    return {};
  }

  Expected<Stmt> prepare(std::string_view sql) {
    sqlite3_stmt* raw = nullptr;
    if (sqlite3_prepare_v2(db_.get(), sql.data(), static_cast<int>(sql.size()), &raw, nullptr) != SQLITE_OK) {
      sqlite3_finalize(raw);
      return error("preparing a query");
    }
    return Stmt(raw);
  }

  static void bind(sqlite3_stmt* stmt, int index, const std::string& text) {
    sqlite3_bind_text(stmt, index, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
  }
  static void bind_optional(sqlite3_stmt* stmt, int index, const std::optional<std::string>& text) {
    if (text) bind(stmt, index, *text);
    else sqlite3_bind_null(stmt, index);
  }

  Expected<int> user_version() {
    auto stmt = prepare("PRAGMA user_version");
    if (!stmt.ok()) return stmt.error();
    if (sqlite3_step(stmt->get()) != SQLITE_ROW) return error("reading the schema version");
    return sqlite3_column_int(stmt->get(), 0);
  }

  std::string path_;
  Db db_;
  int version_ = 0;
};

}  // namespace

Expected<std::unique_ptr<Store>> open_sqlite_store(const std::string& path, OpenMode mode, int target_version) {
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0) {
    if (!S_ISREG(st.st_mode)) {
      return make_error(fmt::format("history database {}: not a regular file", path));
    }
  } else if (errno == ENOENT && mode == OpenMode::existing) {
    return make_error(fmt::format("no history database at {} (velo history add creates one; --db chooses "
                                  "another file)", path));
  }
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOFOLLOW;
  if (mode == OpenMode::create) flags |= SQLITE_OPEN_CREATE;
  sqlite3* raw = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
  Db db(raw);
  if (rc != SQLITE_OK) {
    return make_error(fmt::format("history database {}: cannot open: {}", path,
                                  raw != nullptr ? sqlite3_errmsg(raw) : sqlite3_errstr(rc)));
  }
  auto store = std::make_unique<SqliteStore>(path, std::move(db));
  if (auto configured = store->configure(); !configured.ok()) return configured.error();
  if (auto migrated = store->migrate(target_version); !migrated.ok()) return migrated.error();
  return std::unique_ptr<Store>(std::move(store));
}

}  // namespace velo::history

// The PostgreSQL history store; its contract is in postgres_store.hpp. Talks to the
// server through libpq's C API with text parameters only ($1, $2, ...: nothing from
// a report is ever spliced into SQL).
#include "history/postgres_store.hpp"

#include <fmt/format.h>
#include <libpq-fe.h>

#include <algorithm>
#include <cstdlib>

#include "core/host.hpp"
#include "core/text.hpp"
#include "stats/summary.hpp"

namespace velo::history {

namespace {

constexpr Migration kMigrations[] = {
    {1, "reports, case results, metrics and samples",
     R"sql(
CREATE TABLE reports (
  id BIGSERIAL PRIMARY KEY,
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
  id BIGSERIAL PRIMARY KEY,
  report_id BIGINT NOT NULL REFERENCES reports(id),
  case_id TEXT NOT NULL,
  status TEXT NOT NULL
);
CREATE TABLE metrics (
  id BIGSERIAL PRIMARY KEY,
  case_result_id BIGINT NOT NULL REFERENCES case_results(id),
  name TEXT NOT NULL,
  unit TEXT NOT NULL,
  better TEXT NOT NULL,
  median DOUBLE PRECISION
);
CREATE TABLE samples (
  metric_id BIGINT NOT NULL REFERENCES metrics(id),
  repetition INTEGER NOT NULL,
  value DOUBLE PRECISION NOT NULL,
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

constexpr long long kMigrationLock = 0x76656c6f68697374LL;  // "velohist"

struct ConnCloser {
  void operator()(PGconn* c) const { PQfinish(c); }
};
struct ResultClear {
  void operator()(PGresult* r) const { PQclear(r); }
};
using Conn = std::unique_ptr<PGconn, ConnCloser>;
using Result = std::unique_ptr<PGresult, ResultClear>;

// A parameter: text, or SQL NULL.
using Param = std::optional<std::string>;

std::string trimmed(const char* message) {
  std::string text = message == nullptr ? "" : message;
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  return text;
}

class PostgresStore final : public Store {
 public:
  PostgresStore(std::string name, Conn conn) : name_(std::move(name)), conn_(std::move(conn)) {}

  Status migrate(int target) {
    if (auto begun = command("BEGIN", {}, "starting the schema migration"); !begun.ok()) return begun.error();
    Rollback guard{this};
    if (auto locked = command(fmt::format("SELECT pg_advisory_xact_lock({})", kMigrationLock), {},
                              "locking for the schema migration");
        !locked.ok()) {
      return locked.error();
    }
    if (auto made = command("CREATE TABLE IF NOT EXISTS velo_schema (version INTEGER NOT NULL)", {},
                            "creating the schema version table");
        !made.ok()) {
      return made.error();
    }
    auto current = command("SELECT max(version) FROM velo_schema", {}, "reading the schema version");
    if (!current.ok()) return current.error();
    int version = PQgetisnull(current->get(), 0, 0) ? 0 : std::atoi(PQgetvalue(current->get(), 0, 0));
    const int latest = postgres_migrations().back().version;
    if (version > latest) {
      return make_error(fmt::format("history database {}: schema version {} was written by a newer velo (this one "
                                    "knows up to {}); use that velo or another --db",
                                    name_, version, latest));
    }
    for (const Migration& m : postgres_migrations()) {
      if (m.version <= version || m.version > target) continue;
      if (auto done = command(std::string(m.sql), {}, fmt::format("migrating to schema {} ({})", m.version, m.what));
          !done.ok()) {
        return done.error();
      }
      version = m.version;
    }
    if (auto cleared = command("DELETE FROM velo_schema", {}, "recording the schema version"); !cleared.ok()) {
      return cleared.error();
    }
    if (auto set = command("INSERT INTO velo_schema (version) VALUES ($1)", {std::to_string(version)},
                           "recording the schema version");
        !set.ok()) {
      return set.error();
    }
    if (auto committed = command("COMMIT", {}, "committing the schema migration"); !committed.ok()) {
      return committed.error();
    }
    guard.active = false;
    version_ = version;
    return {};
  }

  int schema_version() override { return version_; }

  Expected<AddOutcome> add(const report::Report& report, const std::string& branch) override {
    const std::string text = canonical_json(report);
    AddOutcome outcome{.content_hash = content_hash(text)};
    if (auto begun = command("BEGIN", {}, "starting to add a report"); !begun.ok()) return begun.error();
    Rollback guard{this};
    auto inserted = command(
        "INSERT INTO reports (content_hash, started_at, commit_id, branch, machine, build, added_at, report_json) "
        "VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (content_hash) DO NOTHING RETURNING id",
        {outcome.content_hash, report.started_at, commit_of(report), branch, machine_key(report.environment),
         build_key(report.environment), iso8601_utc_now(), text},
        "storing the report");
    if (!inserted.ok()) return inserted.error();
    if (PQntuples(inserted->get()) == 0) {
      auto existing = command("SELECT id FROM reports WHERE content_hash = $1", {outcome.content_hash},
                              "looking up the report's hash");
      if (!existing.ok()) return existing.error();
      if (PQntuples(existing->get()) == 1) outcome.id = std::atoll(PQgetvalue(existing->get(), 0, 0));
      return outcome;  // already stored; the guard rolls back
    }
    outcome.id = std::atoll(PQgetvalue(inserted->get(), 0, 0));
    for (const report::CaseResult& c : report.cases) {
      auto case_row = command("INSERT INTO case_results (report_id, case_id, status) VALUES ($1, $2, $3) RETURNING id",
                              {std::to_string(outcome.id), c.spec.id, std::string(report::to_string(c.status))},
                              "storing a case");
      if (!case_row.ok()) return case_row.error();
      const std::string case_id = PQgetvalue(case_row->get(), 0, 0);
      for (const report::MetricResult& m : c.metrics) {
        Param median;
        if (!m.samples.empty()) median = fmt::format("{}", stats::median(m.samples));
        auto metric_row = command(
            "INSERT INTO metrics (case_result_id, name, unit, better, median) VALUES ($1, $2, $3, $4, $5) RETURNING id",
            {case_id, m.spec.name, m.spec.unit, std::string(to_string(m.spec.better)), median}, "storing a metric");
        if (!metric_row.ok()) return metric_row.error();
        if (m.samples.empty()) continue;
        // All samples in one statement: the array literal's elements keep their order.
        std::string array = "{";
        for (std::size_t i = 0; i < m.samples.size(); ++i) {
          array += fmt::format("{}{}", i == 0 ? "" : ",", m.samples[i]);
        }
        array += "}";
        auto samples = command(
            "INSERT INTO samples (metric_id, repetition, value) "
            "SELECT $1, (t.n - 1)::integer, t.v FROM unnest($2::double precision[]) WITH ORDINALITY AS t(v, n)",
            {std::string(PQgetvalue(metric_row->get(), 0, 0)), array}, "storing samples");
        if (!samples.ok()) return samples.error();
      }
    }
    if (auto committed = command("COMMIT", {}, "committing the report"); !committed.ok()) return committed.error();
    guard.active = false;
    outcome.added = true;
    return outcome;
  }

  Expected<std::vector<StoredReport>> reports() override {
    auto rows = command(
        "SELECT r.id, r.content_hash, r.started_at, r.commit_id, r.branch, r.machine, r.build, r.added_at, "
        "(SELECT count(*) FROM case_results c WHERE c.report_id = r.id) FROM reports r ORDER BY r.started_at, r.id",
        {}, "listing reports");
    if (!rows.ok()) return rows.error();
    std::vector<StoredReport> out;
    PGresult* r = rows->get();
    for (int i = 0; i < PQntuples(r); ++i) {
      out.push_back({.id = std::atoll(PQgetvalue(r, i, 0)),
                     .content_hash = PQgetvalue(r, i, 1),
                     .started_at = PQgetvalue(r, i, 2),
                     .commit = PQgetvalue(r, i, 3),
                     .branch = PQgetvalue(r, i, 4),
                     .machine = PQgetvalue(r, i, 5),
                     .build = PQgetvalue(r, i, 6),
                     .added_at = PQgetvalue(r, i, 7),
                     .cases = std::atoll(PQgetvalue(r, i, 8))});
    }
    return out;
  }

  Expected<std::string> report_json(std::int64_t id) override {
    auto rows = command("SELECT report_json FROM reports WHERE id = $1", {std::to_string(id)}, "reading a report");
    if (!rows.ok()) return rows.error();
    if (PQntuples(rows->get()) == 0) {
      return make_error(fmt::format("history database {}: no report with id {} (see velo history list)", name_, id));
    }
    return std::string(PQgetvalue(rows->get(), 0, 0));
  }

  Expected<std::vector<Series>> series(const SeriesQuery& query) override {
    auto rows = command(
        "SELECT r.id, r.commit_id, r.branch, r.started_at, r.machine, r.build, c.case_id, m.id, m.name, m.unit, "
        "m.better, s.value "
        "FROM reports r JOIN case_results c ON c.report_id = r.id JOIN metrics m ON m.case_result_id = c.id "
        "JOIN samples s ON s.metric_id = m.id "
        "WHERE c.status = 'ok' AND ($1::text IS NULL OR c.case_id = $1) AND ($2::text IS NULL OR r.branch = $2) "
        "AND ($3::text IS NULL OR r.machine = $3) AND ($4::text IS NULL OR r.build = $4) "
        "ORDER BY r.machine, r.build, c.case_id, m.name, r.started_at, r.id, s.repetition",
        {query.case_id, query.branch, query.machine, query.build}, "reading series");
    if (!rows.ok()) return rows.error();
    PGresult* r = rows->get();
    std::vector<Series> out;
    std::string current_metric;
    auto finish_point = [&] {
      if (!out.empty() && !out.back().points.empty()) {
        auto& point = out.back().points.back();
        point.median = stats::median(point.samples);
      }
    };
    for (int i = 0; i < PQntuples(r); ++i) {
      SeriesKey key{PQgetvalue(r, i, 4), PQgetvalue(r, i, 5), PQgetvalue(r, i, 6), PQgetvalue(r, i, 8)};
      if (query.case_pattern && !query.case_pattern->search(key.case_id)) continue;
      if (!query.metrics.empty() &&
          std::find(query.metrics.begin(), query.metrics.end(), key.metric) == query.metrics.end()) {
        continue;
      }
      const std::string metric_row = PQgetvalue(r, i, 7);
      if (metric_row != current_metric) {
        finish_point();
        current_metric = metric_row;
        if (out.empty() || !(out.back().key == key)) {
          const std::string better = PQgetvalue(r, i, 10);
          out.push_back({.key = std::move(key),
                         .unit = PQgetvalue(r, i, 9),
                         .better = better == "higher" ? Better::higher : Better::lower});
        }
        out.back().points.push_back({.report_id = std::atoll(PQgetvalue(r, i, 0)),
                                     .commit = PQgetvalue(r, i, 1),
                                     .branch = PQgetvalue(r, i, 2),
                                     .started_at = PQgetvalue(r, i, 3)});
      }
      out.back().points.back().samples.push_back(std::strtod(PQgetvalue(r, i, 11), nullptr));
    }
    finish_point();
    return out;
  }

 private:
  struct Rollback {
    PostgresStore* store;
    bool active = true;
    ~Rollback() {
      if (active) PQclear(PQexec(store->conn_.get(), "ROLLBACK"));
    }
  };

  // Runs `sql` with text parameters; commands and queries alike.
  Expected<Result> command(const std::string& sql, const std::vector<Param>& params, std::string_view doing) {
    std::vector<const char*> values;
    for (const auto& p : params) values.push_back(p ? p->c_str() : nullptr);
    // PQexec for parameterless text: it takes several statements (the migrations).
    Result result(values.empty() ? PQexec(conn_.get(), sql.c_str())
                                 : PQexecParams(conn_.get(), sql.c_str(), static_cast<int>(values.size()), nullptr,
                                                values.data(), nullptr, nullptr, 0));
    const auto status = result ? PQresultStatus(result.get()) : PGRES_FATAL_ERROR;
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
      const char* message = result ? PQresultErrorMessage(result.get()) : PQerrorMessage(conn_.get());
      return make_error(fmt::format("history database {}: {}: {}", name_, doing, trimmed(message)));
    }
    return result;
  }

  std::string name_;
  Conn conn_;
  int version_ = 0;
};

}  // namespace

std::span<const Migration> postgres_migrations() { return kMigrations; }

bool is_postgres_url(const std::string& location) {
  return location.starts_with("postgresql://") || location.starts_with("postgres://");
}

Expected<std::unique_ptr<Store>> open_postgres_store(const std::string& url, int target_version) {
  const std::string name = location_for_display(url);
  Conn conn(PQconnectdb(url.c_str()));
  if (!conn || PQstatus(conn.get()) != CONNECTION_OK) {
    return make_error(fmt::format("history database {}: cannot connect: {}", name,
                                  trimmed(conn ? PQerrorMessage(conn.get()) : "out of memory")));
  }
  // Server notices ("relation already exists, skipping") are not for the user.
  PQsetNoticeProcessor(conn.get(), [](void*, const char*) {}, nullptr);
  auto store = std::make_unique<PostgresStore>(name, std::move(conn));
  if (auto migrated = store->migrate(target_version); !migrated.ok()) return migrated.error();
  return std::unique_ptr<Store>(std::move(store));
}

}  // namespace velo::history

// The SQLite history store: round trips of every field, the content hash, series per
// machine and build, migrations from an older file, files it must refuse, and
// concurrent writers from several processes.
#include <catch2/catch.hpp>

#include <sqlite3.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "../report/sample_report.hpp"
#include "history/sqlite_store.hpp"
#include "history/store.hpp"

namespace fs = std::filesystem;
using velo::history::OpenMode;

namespace {

fs::path scratch(const std::string& name) {
  fs::path dir = fs::temp_directory_path() / fmt::format("velo-history-{}-{}", name, ::getpid());
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

std::unique_ptr<velo::history::Store> open_db(const fs::path& path, OpenMode mode = OpenMode::create) {
  auto store = velo::history::open_store(path.string(), mode);
  INFO((store.ok() ? std::string() : store.error().describe()));
  REQUIRE(store.ok());
  return std::move(*store);
}

// The sample report at another time and commit.
velo::report::Report report_at(int minute, std::string commit, std::string host = "bench-1") {
  auto r = velo::testing::sample_report();
  r.started_at = fmt::format("2026-11-24T10:{:02}:00Z", minute);
  r.provenance.git_commit = std::move(commit);
  r.environment.hostname = std::move(host);
  return r;
}

int sqlite_int(const fs::path& path, const char* sql) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
  sqlite3_stmt* stmt = nullptr;
  REQUIRE(sqlite3_prepare_v2(db, sql, -1, &stmt, nullptr) == SQLITE_OK);
  int value = -1;
  if (sqlite3_step(stmt) == SQLITE_ROW) value = sqlite3_column_int(stmt, 0);
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return value;
}

void sqlite_exec(const fs::path& path, const char* sql) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
  REQUIRE(sqlite3_exec(db, sql, nullptr, nullptr, nullptr) == SQLITE_OK);
  sqlite3_close(db);
}

const std::string kAtomic1 = "counters/atomic/increments=100,threads=1";

}  // namespace

TEST_CASE("a report round-trips through the store, field for field", "[history]") {
  const auto dir = scratch("roundtrip");
  auto store = open_db(dir / "h.db");
  CHECK(store->schema_version() == velo::history::latest_sqlite_schema());
  const auto report = velo::testing::sample_report();
  auto added = store->add(report, "main");
  REQUIRE(added.ok());
  CHECK(added->added);
  auto text = store->report_json(added->id);
  REQUIRE(text.ok());
  CHECK(*text == velo::history::canonical_json(report));
  auto parsed = velo::report::parse_report(*text, "exported");
  REQUIRE(parsed.ok());
  CHECK(velo::report::to_json_text(*parsed) == velo::report::to_json_text(report));

  auto listed = store->reports();
  REQUIRE(listed.ok());
  REQUIRE(listed->size() == 1);
  const auto& row = listed->front();
  CHECK(row.id == added->id);
  CHECK(row.content_hash == added->content_hash);
  CHECK(row.started_at == report.started_at);
  CHECK(row.commit == *report.provenance.git_commit);
  CHECK(row.branch == "main");
  CHECK(row.machine == velo::history::machine_key(report.environment));
  CHECK(row.build == velo::history::build_key(report.environment));
  CHECK(row.cases == static_cast<std::int64_t>(report.cases.size()));
  CHECK_FALSE(row.added_at.empty());
  CHECK_FALSE(store->report_json(added->id + 100).ok());
}

TEST_CASE("adding the same report twice is a no-op", "[history]") {
  const auto dir = scratch("dedup");
  auto store = open_db(dir / "h.db");
  const auto report = velo::testing::sample_report();
  auto first = store->add(report, "main");
  auto second = store->add(report, "other-branch");
  REQUIRE(first.ok());
  REQUIRE(second.ok());
  CHECK(first->added);
  CHECK_FALSE(second->added);
  CHECK(second->id == first->id);
  CHECK(store->reports()->size() == 1);
  CHECK(sqlite_int(dir / "h.db", "SELECT count(*) FROM case_results") == static_cast<int>(report.cases.size()));
}

TEST_CASE("series hold every sample of ok cases, oldest first, one per machine", "[history]") {
  const auto dir = scratch("series");
  auto store = open_db(dir / "h.db");
  // Added out of order: the series is ordered by start time.
  REQUIRE(store->add(report_at(30, "c3"), "main").ok());
  REQUIRE(store->add(report_at(10, "c1"), "main").ok());
  REQUIRE(store->add(report_at(20, "c2"), "feature").ok());
  REQUIRE(store->add(report_at(15, "c1", "bench-2"), "main").ok());

  velo::history::SeriesQuery query;
  query.case_id = kAtomic1;
  query.metrics = {"ns_per_op"};
  auto series = store->series(query);
  REQUIRE(series.ok());
  REQUIRE(series->size() == 2);  // bench-1 and bench-2, never mixed
  const auto& one = (*series)[0].key.machine.starts_with("bench-1 ") ? (*series)[0] : (*series)[1];
  const auto& two = &one == &(*series)[0] ? (*series)[1] : (*series)[0];
  REQUIRE(one.points.size() == 3);
  CHECK(one.points[0].commit == "c1");
  CHECK(one.points[1].commit == "c2");
  CHECK(one.points[1].branch == "feature");
  CHECK(one.points[2].commit == "c3");
  CHECK(two.points.size() == 1);
  CHECK(one.unit == "ns");
  CHECK(one.better == velo::Better::lower);

  const auto expected = velo::testing::sample_report().cases[0].metrics[0];
  REQUIRE(expected.spec.name == "ns_per_op");
  CHECK(one.points[0].samples == expected.samples);
  CHECK(one.points[0].median == expected.summary.median);

  query.branch = "feature";
  auto feature = store->series(query);
  REQUIRE(feature->size() == 1);
  CHECK(feature->front().points.size() == 1);

  // A failed case has no series; a regex selects several cases.
  velo::history::SeriesQuery failed;
  failed.case_id = "counters/spinlock/increments=100,threads=1";
  CHECK(store->series(failed)->empty());
  velo::history::SeriesQuery pattern;
  pattern.case_pattern = *velo::Pattern::compile("^counters/sharded/", "--case");
  pattern.metrics = {"ns_per_op"};
  pattern.machine = velo::history::machine_key(report_at(0, "x").environment);
  CHECK(store->series(pattern)->size() == 2);  // two pad_bytes cases on bench-1
}

TEST_CASE("an old schema is migrated on open and keeps its data", "[history]") {
  const auto dir = scratch("migrate");
  const auto path = dir / "old.db";
  {
    auto old = velo::history::open_sqlite_store(path.string(), OpenMode::create, 1);
    REQUIRE(old.ok());
    CHECK((*old)->schema_version() == 1);
    REQUIRE((*old)->add(velo::testing::sample_report(), "main").ok());
  }
  CHECK(sqlite_int(path, "PRAGMA user_version") == 1);
  CHECK(sqlite_int(path, "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name = 'reports_by_series'") == 0);
  auto store = open_db(path, OpenMode::existing);
  CHECK(store->schema_version() == 2);
  CHECK(sqlite_int(path, "PRAGMA user_version") == 2);
  CHECK(sqlite_int(path, "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name = 'reports_by_series'") == 1);
  CHECK(store->reports()->size() == 1);
  velo::history::SeriesQuery query;
  query.case_id = kAtomic1;
  CHECK_FALSE(store->series(query)->empty());
}

TEST_CASE("files the store must refuse", "[history]") {
  const auto dir = scratch("refuse");
  SECTION("missing, when it must exist") {
    auto store = velo::history::open_store((dir / "none.db").string(), OpenMode::existing);
    REQUIRE_FALSE(store.ok());
    CHECK(store.error().message.find("no history database at") != std::string::npos);
    CHECK_FALSE(fs::exists(dir / "none.db"));
  }
  SECTION("a newer schema") {
    open_db(dir / "new.db");
    sqlite_exec(dir / "new.db", "PRAGMA user_version = 99");
    auto store = velo::history::open_store((dir / "new.db").string(), OpenMode::existing);
    REQUIRE_FALSE(store.ok());
    CHECK(store.error().message.find("newer velo") != std::string::npos);
  }
  SECTION("not a database") {
    std::ofstream(dir / "text.db") << "this is a text file, not a database, and it is long enough to have a header\n";
    auto store = velo::history::open_store((dir / "text.db").string(), OpenMode::create);
    REQUIRE_FALSE(store.ok());
    CHECK(store.error().message.find((dir / "text.db").string()) != std::string::npos);
  }
  SECTION("a directory or a FIFO") {
    REQUIRE_FALSE(velo::history::open_store(dir.string(), OpenMode::create).ok());
    REQUIRE(::mkfifo((dir / "fifo").c_str(), 0600) == 0);
    auto store = velo::history::open_store((dir / "fifo").string(), OpenMode::create);
    REQUIRE_FALSE(store.ok());
    CHECK(store.error().message.find("not a regular file") != std::string::npos);
  }
  SECTION("a PostgreSQL server that is not there") {
    auto store = velo::history::open_store("postgresql://velo:secret@127.0.0.1:1/velo?connect_timeout=5",
                                           OpenMode::create);
    REQUIRE_FALSE(store.ok());
    CHECK(store.error().message.find("cannot connect") != std::string::npos);
    CHECK(store.error().message.find("secret") == std::string::npos);  // the password is not echoed
  }
}

TEST_CASE("a location as shown never carries a password", "[history]") {
  using velo::history::location_for_display;
  CHECK(location_for_display("velo-history.db") == "velo-history.db");
  CHECK(location_for_display("postgresql://velo@db/velo") == "postgresql://velo@db/velo");
  CHECK(location_for_display("postgresql://velo:secret@db:5432/velo") == "postgresql://velo:***@db:5432/velo");
  CHECK(location_for_display("postgres://db/velo?user=velo&password=secret&sslmode=require") ==
        "postgres://db/velo?user=velo&password=***&sslmode=require");
  CHECK(location_for_display("postgresql://v:secret@db/velo?password=other") == "postgresql://v:***@db/velo?password=***");
  CHECK(location_for_display("postgresql://v:se@cret@db/velo") == "postgresql://v:***@db/velo");
}

TEST_CASE("concurrent writers from several processes lose nothing", "[history][concurrency]") {
  const auto dir = scratch("concurrent");
  const auto path = dir / "h.db";
  constexpr int kWriters = 4, kEach = 8;
  std::vector<pid_t> children;
  for (int w = 0; w < kWriters; ++w) {
    const pid_t pid = ::fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
      // A fresh file opened by every writer at once: creation and migration race too.
      auto store = velo::history::open_store(path.string(), OpenMode::create);
      if (!store.ok()) ::_exit(10);
      for (int i = 0; i < kEach; ++i) {
        auto r = report_at(i, fmt::format("w{}-{}", w, i), fmt::format("host-{}", w));
        auto added = (*store)->add(r, "main");
        if (!added.ok() || !added->added) ::_exit(11);
      }
      ::_exit(0);
    }
    children.push_back(pid);
  }
  for (pid_t pid : children) {
    int status = 0;
    REQUIRE(::waitpid(pid, &status, 0) == pid);
    CHECK(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);
  }
  auto store = open_db(path, OpenMode::existing);
  CHECK(store->reports()->size() == kWriters * kEach);
}

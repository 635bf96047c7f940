// The PostgreSQL store against a real server: round trip, the content hash,
// series, migration from version 1, and concurrent writers from several processes
// (some adding the same report). with_postgres.sh starts a throwaway server and
// passes its URL in VELO_TEST_POSTGRES; without it the test is skipped (exit 77).
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>

#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>

#include "../report/sample_report.hpp"
#include "history/postgres_store.hpp"
#include "history/store.hpp"

namespace {

std::string base_url() { return std::getenv("VELO_TEST_POSTGRES"); }

// A fresh database per test, so tests do not see each other's rows.
std::string fresh_database(const std::string& name) {
  const std::string command = fmt::format("psql -q -d '{}' -c 'DROP DATABASE IF EXISTS {}' -c 'CREATE DATABASE {}'",
                                          base_url(), name, name);
  REQUIRE(std::system(command.c_str()) == 0);
  // postgresql://user@/DBNAME?host=/tmp/...: the database is the path before the query.
  const std::string url = base_url();
  const auto query = url.find('?');
  const auto slash = url.rfind('/', query == std::string::npos ? std::string::npos : query);
  return url.substr(0, slash + 1) + name + (query == std::string::npos ? "" : url.substr(query));
}

velo::report::Report report_at(int minute, std::string commit, std::string host = "bench-1") {
  auto r = velo::testing::sample_report();
  r.started_at = fmt::format("2026-11-24T10:{:02}:00Z", minute);
  r.provenance.git_commit = std::move(commit);
  r.environment.hostname = std::move(host);
  return r;
}

std::unique_ptr<velo::history::Store> open_url(const std::string& url) {
  auto store = velo::history::open_store(url, velo::history::OpenMode::create);
  INFO((store.ok() ? std::string() : store.error().describe()));
  REQUIRE(store.ok());
  return std::move(*store);
}

}  // namespace

TEST_CASE("postgres: round trip, content hash, series", "[history][postgres]") {
  auto store = open_url(fresh_database("velo_roundtrip"));
  CHECK(store->schema_version() == 2);
  const auto report = velo::testing::sample_report();
  auto added = store->add(report, "main");
  INFO((added.ok() ? std::string() : added.error().describe()));
  REQUIRE(added.ok());
  CHECK(added->added);
  auto again = store->add(report, "main");
  REQUIRE(again.ok());
  CHECK_FALSE(again->added);
  CHECK(again->id == added->id);
  CHECK(*store->report_json(added->id) == velo::history::canonical_json(report));
  CHECK_FALSE(store->report_json(added->id + 100).ok());

  auto listed = store->reports();
  REQUIRE(listed.ok());
  REQUIRE(listed->size() == 1);
  CHECK(listed->front().branch == "main");
  CHECK(listed->front().cases == static_cast<std::int64_t>(report.cases.size()));

  REQUIRE(store->add(report_at(30, "c3"), "main").ok());
  REQUIRE(store->add(report_at(10, "c1"), "main").ok());
  velo::history::SeriesQuery query;
  query.case_id = "counters/atomic/increments=100,threads=1";
  query.metrics = {"ns_per_op"};
  auto series = store->series(query);
  REQUIRE(series.ok());
  REQUIRE(series->size() == 1);
  const auto& points = series->front().points;
  REQUIRE(points.size() == 3);
  CHECK(points[1].commit == "c1");
  CHECK(points[2].commit == "c3");
  CHECK(points[0].samples == report.cases[0].metrics[0].samples);  // every sample, exactly
}

TEST_CASE("postgres: a version-1 database is migrated and keeps its data", "[history][postgres]") {
  const std::string url = fresh_database("velo_migrate");
  {
    auto old = velo::history::open_postgres_store(url, 1);
    REQUIRE(old.ok());
    CHECK((*old)->schema_version() == 1);
    REQUIRE((*old)->add(velo::testing::sample_report(), "main").ok());
  }
  auto store = open_url(url);
  CHECK(store->schema_version() == 2);
  CHECK(store->reports()->size() == 1);
}

TEST_CASE("postgres: concurrent writers lose nothing and store a shared report once", "[history][postgres]") {
  const std::string url = fresh_database("velo_concurrent");
  constexpr int kWriters = 4, kEach = 6;
  std::vector<pid_t> children;
  for (int w = 0; w < kWriters; ++w) {
    const pid_t pid = ::fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
      auto store = velo::history::open_store(url, velo::history::OpenMode::create);
      if (!store.ok()) ::_exit(10);
      for (int i = 0; i < kEach; ++i) {
        auto added = (*store)->add(report_at(i, fmt::format("w{}-{}", w, i), fmt::format("host-{}", w)), "main");
        if (!added.ok() || !added->added) ::_exit(11);
        if (!(*store)->add(velo::testing::sample_report(), "main").ok()) ::_exit(12);  // the same one, by all
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
  auto store = open_url(url);
  CHECK(store->reports()->size() == kWriters * kEach + 1);
}

int main(int argc, char** argv) {
  const char* url = std::getenv("VELO_TEST_POSTGRES");
  if (url == nullptr || *url == '\0') {
    std::fprintf(stderr, "skipped: VELO_TEST_POSTGRES is not set (tests/history/with_postgres.sh sets it)\n");
    return 77;
  }
  return Catch::Session().run(argc, argv);
}

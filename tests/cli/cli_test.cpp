// Runs the built velo binary the way a user or a CI job does and checks exit codes,
// stderr messages and the JSON report. Never asserts timings.
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "velo_process.hpp"

namespace fs = std::filesystem;

namespace {

using namespace clitest;

std::string data(const std::string& name) { return test_data("cli", name); }

fs::path scratch_dir() {
  static const fs::path dir = make_scratch_dir("cli-test");
  return dir;
}

// Runs velo in the scratch directory; with `interrupt_after_lines`, SIGINT is sent
// once stderr holds that many lines.
Outcome velo(const std::vector<std::string>& args, int interrupt_after_lines = 0) {
  return run_velo(args, {.scratch = scratch_dir(), .chdir_to_scratch = true,
                         .interrupt_after_lines = interrupt_after_lines});
}

nlohmann::json read_json(const fs::path& path) { return nlohmann::json::parse(slurp(path)); }

}  // namespace

TEST_CASE("usage errors exit 2 with velo: error:", "[cli]") {
  auto none = velo({});
  CHECK(none.exit_code == 2);
  CHECK(contains(none.err, "velo: error:"));
  auto bogus = velo({"frobnicate"});
  CHECK(bogus.exit_code == 2);
  auto bad_option = velo({"run", "--repetitions", "zero"});
  CHECK(bad_option.exit_code == 2);
  auto bad_duration = velo({"run", data("counters-small.toml"), "--min-time", "100"});
  CHECK(bad_duration.exit_code == 2);
  CHECK(contains(bad_duration.err, "--min-time"));
  auto bad_regex = velo({"run", data("counters-small.toml"), "--filter", "("});
  CHECK(bad_regex.exit_code == 2);
  CHECK(contains(bad_regex.err, "--filter"));
}

TEST_CASE("--help and --version exit 0", "[cli]") {
  auto help = velo({"--help"});
  CHECK(help.exit_code == 0);
  CHECK(contains(help.out, "run"));
  CHECK(velo({"run", "--help"}).exit_code == 0);
  auto version = velo({"--version"});
  CHECK(version.exit_code == 0);
  CHECK(contains(version.out, "velo "));
}

TEST_CASE("velo list shows families, parameters and defaults", "[cli]") {
  auto all = velo({"list"});
  CHECK(all.exit_code == 0);
  CHECK(contains(all.out, "counters"));
  auto one = velo({"list", "counters"});
  CHECK(one.exit_code == 0);
  CHECK(contains(one.out, "sharded_padded"));
  CHECK(contains(one.out, "pad_bytes"));
  CHECK(contains(one.out, "threads"));
  auto typo = velo({"list", "countres"});
  CHECK(typo.exit_code == 2);
  CHECK(contains(typo.err, "did you mean 'counters'?"));
}

TEST_CASE("velo check validates without running", "[cli]") {
  auto good = velo({"check", data("counters-small.toml")});
  CHECK(good.exit_code == 0);
  CHECK(contains(good.out, "4 cases"));
  auto bad = velo({"check", data("bad-key.toml")});
  CHECK(bad.exit_code == 2);
  CHECK(contains(bad.err, "bad-key.toml:6:"));
  CHECK(contains(bad.err, "did you mean 'repetitions'?"));
}

TEST_CASE("velo run writes a complete report and prints the table", "[cli]") {
  const fs::path report = scratch_dir() / "report.json";
  auto run = velo({"run", data("counters-small.toml"), "--out", report.string(), "--repetitions", "2"});
  INFO(run.err);
  REQUIRE(run.exit_code == 0);
  CHECK(contains(run.out, "atomic"));
  CHECK(contains(run.out, "padded"));
  const auto json = read_json(report);
  CHECK(json["schema_version"] == 1);
  CHECK(json["complete"] == true);
  REQUIRE(json["cases"].size() == 4);
  for (const auto& c : json["cases"]) {
    CHECK(c["status"] == "ok");
    CHECK(c["metrics"]["ns_per_op"]["samples"].size() == 2);  // --repetitions wins over [run]
    CHECK(c["metrics"]["ns_per_op"]["better"] == "lower");
    CHECK(c.contains("peak_rss_bytes"));
  }
  CHECK(json["cases"][0]["id"] == "counters/atomic/increments=10,threads=1");
  CHECK(json["scenarios"][0]["content_hash"].get<std::string>().rfind("fnv1a64:", 0) == 0);
  CHECK_FALSE(json["environment"]["kernel"].get<std::string>().empty());
}

TEST_CASE("--forks spreads repetitions over worker processes, one progress line per case", "[cli]") {
  const fs::path report = scratch_dir() / "forks.json";
  auto run = velo({"run", data("counters-small.toml"), "--out", report.string(), "--repetitions", "3", "--forks", "2"});
  INFO(run.err);
  REQUIRE(run.exit_code == 0);
  const auto json = read_json(report);
  CHECK(json["settings"]["forks"] == 2);
  REQUIRE(json["cases"].size() == 4);
  for (const auto& c : json["cases"]) {
    CHECK(c["run"]["repetitions"] == 3);
    CHECK(c["run"]["forks"] == 2);
    CHECK(c["details"]["fork_repetitions"] == nlohmann::json::array({2, 1}));
    CHECK(c["metrics"]["ns_per_op"]["samples"].size() == 3);
  }
  // Without a terminal: a line per finished round and per finished case (the last
  // of 8 workers is [8/8]), and "report written".
  CHECK(std::count(run.err.begin(), run.err.end(), '\n') == 6);
  CHECK(contains(run.err, "round 1/2 of forks done (4 of 8 workers"));
  CHECK(contains(run.err, "[8/8]"));
  auto zero = velo({"run", data("counters-small.toml"), "--out", report.string(), "--forks", "0"});
  CHECK(zero.exit_code == 2);
}

TEST_CASE("--baseline-velo measures every fork with both builds and writes both reports", "[cli]") {
  const fs::path head = scratch_dir() / "paired-head.json";
  const fs::path base = scratch_dir() / "paired-base.json";
  // The same binary stands in for the base commit's build.
  auto run = velo({"run", data("counters-small.toml"), "--out", head.string(), "--repetitions", "2", "--forks", "2",
                   "--filter", "atomic", "--baseline-velo", env("VELO_BIN"), "--baseline-out", base.string()});
  INFO(run.err);
  REQUIRE(run.exit_code == 0);
  CHECK(contains(run.err, "baseline report written to"));
  for (const auto& path : {head, base}) {
    const auto json = read_json(path);
    INFO(path);
    CHECK(json["complete"] == true);
    CHECK(json["settings"]["baseline_velo"] == env("VELO_BIN"));
    REQUIRE(json["cases"].size() == 2);
    for (const auto& c : json["cases"]) {
      CHECK(c["status"] == "ok");
      CHECK(c["metrics"]["ns_per_op"]["samples"].size() == 2);
      CHECK(c["details"]["fork_repetitions"] == nlohmann::json::array({1, 1}));
    }
  }
  const auto base_json = read_json(base);
  CHECK(base_json["provenance"]["velo_version"] == read_json(head)["provenance"]["velo_version"]);
  CHECK(base_json["provenance"]["git_commit"].is_null());
  // Both halves carry one run id, so compare and gate test them fork by fork.
  const auto head_json = read_json(head);
  CHECK(head_json["pairing"]["role"] == "head");
  CHECK(base_json["pairing"]["role"] == "base");
  CHECK(base_json["pairing"]["run_id"] == head_json["pairing"]["run_id"]);
  CHECK(std::regex_match(head_json["pairing"]["run_id"].get<std::string>(), std::regex("[0-9a-f]{16}")));
  auto compare = velo({"compare", base.string(), head.string(), "--color", "never"});
  CHECK(compare.exit_code == 0);
  // Two forks cannot be significant paired (2 / 2^2 = 0.5): the U test, and the advice.
  CHECK(contains(compare.out, "because 2 paired forks can never reach"));
  CHECK(contains(compare.out, "measure with --forks 7 or more"));
  auto unpaired = velo({"compare", base.string(), head.string(), "--unpaired", "--color", "never"});
  CHECK(unpaired.exit_code == 0);
  CHECK_FALSE(contains(unpaired.out, "paired forks"));
  auto gate = velo({"gate", base.string(), head.string(), "--max-regression", "1000%"});
  CHECK(gate.exit_code == 0);
}

TEST_CASE("--baseline-velo refuses what is not a velo, in-process runs and profiling", "[cli]") {
  const fs::path head = scratch_dir() / "paired-bad.json";
  fs::remove(head);
  auto not_velo = velo({"run", data("counters-small.toml"), "--out", head.string(), "--baseline-velo", "/bin/true"});
  CHECK(not_velo.exit_code == 2);
  CHECK(contains(not_velo.err, "--baseline-velo /bin/true: expected a velo binary"));
  auto missing = velo({"run", data("counters-small.toml"), "--out", head.string(), "--baseline-velo", "/nonexistent"});
  CHECK(missing.exit_code == 2);
  auto in_process = velo({"run", data("counters-small.toml"), "--out", head.string(), "--no-isolate",
                          "--baseline-velo", env("VELO_BIN")});
  CHECK(in_process.exit_code == 2);
  CHECK(contains(in_process.err, "cannot be combined with --no-isolate"));
  auto profiled = velo({"run", data("counters-small.toml"), "--out", head.string(), "--profile",
                        "--baseline-velo", env("VELO_BIN")});
  CHECK(profiled.exit_code == 2);
  CHECK(contains(profiled.err, "cannot be combined with profiling"));
  CHECK_FALSE(fs::exists(head));
}

TEST_CASE("output formats on stdout", "[cli]") {
  const fs::path report = scratch_dir() / "formats.json";
  const std::vector<std::string> base = {"run", data("counters-small.toml"), "--out", report.string(),
                                         "--repetitions", "1", "--filter", "threads=1", "--quiet"};
  auto with = [&](const char* format) {
    auto args = base;
    args.insert(args.end(), {"--format", format});
    return velo(args);
  };
  auto json = with("json");
  REQUIRE(json.exit_code == 0);
  CHECK(nlohmann::json::parse(json.out)["cases"].size() == 2);
  auto csv = with("csv");
  REQUIRE(csv.exit_code == 0);
  CHECK(contains(csv.out, "counters/atomic/increments=10,threads=1"));
  auto markdown = with("markdown");
  REQUIRE(markdown.exit_code == 0);
  CHECK(contains(markdown.out, "|"));
  CHECK(json.err.empty());  // --quiet
}

TEST_CASE("--param overrides a parameter everywhere it applies", "[cli]") {
  const fs::path report = scratch_dir() / "param.json";
  auto run = velo({"run", data("counters-small.toml"), "--out", report.string(), "--repetitions", "1",
                   "--param", "threads=3", "--quiet"});
  REQUIRE(run.exit_code == 0);
  const auto json = read_json(report);
  REQUIRE(json["cases"].size() == 2);
  for (const auto& c : json["cases"]) CHECK(c["params"]["threads"] == 3);
}

TEST_CASE("bad input runs nothing and writes no report", "[cli]") {
  const fs::path report = scratch_dir() / "never.json";
  fs::remove(report);
  auto run = velo({"run", data("bad-key.toml"), "--out", report.string()});
  CHECK(run.exit_code == 2);
  CHECK_FALSE(fs::exists(report));
  auto none = velo({"run", data("counters-small.toml"), "--out", report.string(), "--filter", "nomatch"});
  CHECK(none.exit_code == 2);
  CHECK_FALSE(fs::exists(report));
}

TEST_CASE("a case past its timeout is killed and reported, exit 1", "[cli]") {
  const fs::path report = scratch_dir() / "timeout.json";
  auto run = velo({"run", data("counters-small.toml"), "--out", report.string(), "--filter", "atomic.*threads=1",
                   "--timeout", "1ms", "--quiet"});
  CHECK(run.exit_code == 1);
  const auto json = read_json(report);
  REQUIRE(json["cases"].size() == 1);
  CHECK(json["cases"][0]["status"] == "timeout");
  CHECK(contains(json["cases"][0]["reason"].get<std::string>(), "timeout"));
}

TEST_CASE("--no-isolate measures in process", "[cli]") {
  const fs::path report = scratch_dir() / "inproc.json";
  auto run = velo({"run", data("counters-small.toml"), "--out", report.string(), "--repetitions", "1",
                   "--no-isolate", "--quiet"});
  REQUIRE(run.exit_code == 0);
  const auto json = read_json(report);
  CHECK(json["cases"][0]["status"] == "ok");
  CHECK(json["settings"]["isolate"] == false);
}

TEST_CASE("Ctrl-C writes the finished cases, marks the report incomplete, exits 130", "[cli]") {
  const fs::path report = scratch_dir() / "interrupted.json";
  fs::remove(report);
  // Without a terminal, progress is one line per finished case: interrupt after two.
  auto run = velo({"run", data("many-cases.toml"), "--out", report.string()}, 2);
  CHECK(run.exit_code == 130);
  const auto json = read_json(report);
  CHECK(json["complete"] == false);
  CHECK(json["cases"].size() >= 2);
  CHECK(json["cases"].size() < 16);
  for (const auto& c : json["cases"]) CHECK(c["status"] == "ok");
}

TEST_CASE("the built-in quick suite validates", "[cli]") {
  // Running it takes too long for a unit test; `./dev run` does that. Checking that
  // every built-in scenario expands is enough here.
  auto run = velo({"run", "--filter", "^$"});
  CHECK(run.exit_code == 2);
  CHECK(contains(run.err, "matches none of the"));
}

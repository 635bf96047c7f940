// Paired base/head runs of external benchmarks, end to end through the velo binary:
// --baseline-binary for a Google Benchmark binary (tiny_gbench against its "base
// build" tiny_gbench_base), --baseline-dir and baseline_command for commands, and the
// errors for bad paths. Asserts structure (both sides present, one case id, per-fork
// pairs, reasons), never timings.
#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <fstream>
#include <string>

#include <nlohmann/json.hpp>

#include "velo_process.hpp"

namespace fs = std::filesystem;

namespace {

using namespace clitest;

fs::path scratch_dir() {
  static const fs::path dir = make_scratch_dir("external-paired-test");
  return dir;
}

Outcome velo(const std::vector<std::string>& args) {
  return run_velo(args, {.scratch = scratch_dir(), .chdir_to_scratch = true});
}

nlohmann::json read_json(const fs::path& path) { return nlohmann::json::parse(slurp(path)); }

fs::path write_file(const std::string& name, const std::string& body) {
  const fs::path path = scratch_dir() / name;
  fs::create_directories(path.parent_path());
  std::ofstream(path) << body;
  return path;
}

fs::path gbench_scenario(const std::string& name, const std::string& binary) {
  return write_file(name + ".toml", "[scenario]\nname = \"" + name +
                                        "\"\nfamily = \"gbench\"\n[run]\nrepetitions = 2\nmin_time = \"1ms\"\n"
                                        "warmup = \"0s\"\n[[variant]]\nname = \"tiny\"\nimpl = \"gbench\"\n"
                                        "params = { binary = \"" + binary + "\", filter = \"BM_loop|BM_retired\" }\n");
}

const nlohmann::json* find_case(const nlohmann::json& report, const std::string& id_part) {
  for (const auto& c : report["cases"]) {
    if (contains(c["id"].get<std::string>(), id_part)) return &c;
  }
  return nullptr;
}

}  // namespace

TEST_CASE("--baseline-binary: every fork of a gbench case on both builds, paired by case id", "[cli][external]") {
  const fs::path head = scratch_dir() / "gb-head.json";
  const fs::path base = scratch_dir() / "gb-base.json";
  const std::string head_binary = env("VELO_TINY_GBENCH"), base_binary = env("VELO_TINY_GBENCH_BASE");
  const fs::path scenario = gbench_scenario("gb-paired", head_binary);
  auto run = velo({"run", scenario.string(), "--out", head.string(), "--forks", "2", "--baseline-binary",
                   base_binary, "--baseline-out", base.string()});
  INFO(run.err);
  REQUIRE(run.exit_code == 0);
  CHECK(contains(run.err, "baseline report written to"));
  // BM_retired exists only in the base build: named, not measured, not silent.
  CHECK(contains(run.err, "warning: paired run: the base build of variant 'tiny'"));
  CHECK(contains(run.err, "BM_retired"));
  const auto head_json = read_json(head), base_json = read_json(base);
  CHECK(head_json["pairing"]["role"] == "head");
  CHECK(base_json["pairing"]["role"] == "base");
  CHECK(base_json["pairing"]["run_id"] == head_json["pairing"]["run_id"]);
  CHECK(contains(head_json["notes"].dump(), "the base side ran the base build given by --baseline-binary " +
                                                base_binary));
  REQUIRE(head_json["cases"].size() == 2);   // BM_loop/1 and BM_loop/8
  REQUIRE(base_json["cases"].size() == 2);
  for (std::size_t i = 0; i < 2; ++i) CHECK(head_json["cases"][i]["id"] == base_json["cases"][i]["id"]);

  // BM_loop/1 is in both builds: each side measured it in both forks, each its own binary.
  const auto* head_one = find_case(head_json, "benchmark=BM_loop%2F1");
  const auto* base_one = find_case(base_json, "benchmark=BM_loop%2F1");
  REQUIRE(head_one);
  REQUIRE(base_one);
  for (const auto* c : {head_one, base_one}) {
    CHECK((*c)["status"] == "ok");
    CHECK((*c)["metrics"]["ns_per_op"]["samples"].size() == 2);
    CHECK((*c)["details"]["fork_repetitions"] == nlohmann::json::array({1, 1}));
  }
  CHECK((*head_one)["params"]["binary"] == head_binary);
  CHECK((*base_one)["params"]["binary"] == base_binary);
  CHECK((*base_one)["details"]["argv"][0] == base_binary);
  // BM_loop/8 is new in head: measured on the head side, skipped on the base side with the reason.
  const auto* head_new = find_case(head_json, "benchmark=BM_loop%2F8");
  const auto* base_new = find_case(base_json, "benchmark=BM_loop%2F8");
  REQUIRE(head_new);
  REQUIRE(base_new);
  CHECK((*head_new)["status"] == "ok");
  CHECK((*head_new)["metrics"]["ns_per_op"]["samples"].size() == 2);
  CHECK((*base_new)["status"] == "skipped");
  CHECK(contains((*base_new)["reason"].get<std::string>(), "the base build has no benchmark 'BM_loop/8'"));
  for (const auto* json : {&head_json, &base_json}) {
    CHECK(contains((*json)["notes"].dump(), "BM_retired"));
    CHECK(contains((*json)["notes"].dump(), "1 of 2 cases have no base build"));
  }
  // compare and gate test the pair fork by fork, as for --baseline-velo.
  auto compare = velo({"compare", base.string(), head.string(), "--color", "never"});
  INFO(compare.out);
  CHECK(compare.exit_code == 0);
  CHECK(contains(compare.out, "because 2 paired forks can never reach"));
  auto gate = velo({"gate", base.string(), head.string(), "--max-regression", "1000%"});
  INFO(gate.out << gate.err);
  CHECK(gate.exit_code == 0);
}

TEST_CASE("--baseline-binary HEAD=BASE names the binary it replaces; the same binary pairs with itself",
          "[cli][external]") {
  const fs::path head = scratch_dir() / "gb-aa-head.json";
  const fs::path base = scratch_dir() / "gb-aa-base.json";
  const std::string binary = env("VELO_TINY_GBENCH");
  const fs::path scenario = gbench_scenario("gb-aa", binary);
  auto run = velo({"run", scenario.string(), "--out", head.string(), "--baseline-binary", binary + "=" + binary,
                   "--baseline-out", base.string(), "--quiet"});
  INFO(run.err);
  REQUIRE(run.exit_code == 0);
  CHECK_FALSE(contains(run.err, "warning"));
  const auto base_json = read_json(base);
  REQUIRE(base_json["cases"].size() == 2);
  for (const auto& c : base_json["cases"]) CHECK(c["status"] == "ok");
}

TEST_CASE("--baseline-dir and baseline_command: command cases run their base side", "[cli][external]") {
  // Head's ./prog and the base checkout's base/prog leave different marks where they run.
  for (const auto& [path, text] : {std::pair{"prog", "head"}, std::pair{"base-checkout/prog", "base"}}) {
    const fs::path prog = write_file(path, std::string("#!/bin/sh\necho ") + text + " > mark\n");
    fs::permissions(prog, fs::perms::owner_all);
  }
  const fs::path scenario = write_file("cmd-paired.toml",
                                       "[scenario]\nname = \"cmd-paired\"\nfamily = \"command\"\n"
                                       "[run]\nrepetitions = 2\nmin_time = \"1ms\"\nwarmup = \"0s\"\n"
                                       "[[variant]]\nname = \"prog\"\nimpl = \"command\"\n"
                                       "params = { command = \"./prog\", count_allocations = false }\n");
  const fs::path head = scratch_dir() / "cmd-head.json";
  const fs::path base = scratch_dir() / "cmd-base.json";
  auto run = velo({"run", scenario.string(), "--out", head.string(), "--forks", "2", "--baseline-dir",
                   "base-checkout", "--baseline-out", base.string(), "--quiet"});
  INFO(run.err);
  REQUIRE(run.exit_code == 0);
  CHECK(slurp(scratch_dir() / "mark") == "head\n");
  CHECK(slurp(scratch_dir() / "base-checkout" / "mark") == "base\n");
  const auto head_json = read_json(head), base_json = read_json(base);
  REQUIRE(base_json["cases"].size() == 1);
  CHECK(base_json["cases"][0]["id"] == head_json["cases"][0]["id"]);
  CHECK(base_json["cases"][0]["status"] == "ok");
  CHECK(base_json["cases"][0]["details"]["cwd"] == "base-checkout");
  CHECK(base_json["cases"][0]["metrics"]["ns_per_op"]["samples"].size() == 2);
  CHECK(contains(base_json["notes"].dump(), "given by --baseline-dir base-checkout"));

  // baseline_command: the base side runs its own command line, parameters substituted.
  const std::string tiny = env("VELO_TINY_COMMAND");
  const fs::path own = write_file("cmd-own.toml",
                                  "[scenario]\nname = \"cmd-own\"\nfamily = \"command\"\n"
                                  "[run]\nrepetitions = 2\nmin_time = \"1ms\"\nwarmup = \"0s\"\n"
                                  "[params]\nspins = [\"100\", \"200\"]\n"
                                  "[[variant]]\nname = \"spin\"\nimpl = \"command\"\n"
                                  "params = { command = \"" + tiny + " {spins}\", baseline_command = \"" + tiny +
                                      " 1{spins}\" }\n");
  auto own_run = velo({"run", own.string(), "--out", head.string(), "--forks", "2", "--baseline-dir", ".",
                       "--baseline-out", base.string(), "--quiet"});
  INFO(own_run.err);
  REQUIRE(own_run.exit_code == 0);
  const auto own_head = read_json(head), own_base = read_json(base);
  REQUIRE(own_base["cases"].size() == 2);
  for (std::size_t i = 0; i < 2; ++i) {
    const std::string spins = i == 0 ? "100" : "200";
    CHECK(own_base["cases"][i]["id"] == own_head["cases"][i]["id"]);
    CHECK(own_head["cases"][i]["details"]["argv"] == nlohmann::json::array({tiny, spins}));
    CHECK(own_base["cases"][i]["details"]["argv"] == nlohmann::json::array({tiny, "1" + spins}));
    CHECK(own_base["cases"][i]["metrics"]["ns_per_op"]["samples"].size() == 2);
  }
}

TEST_CASE("an external_command variant in a built-in family is paired; the family's own variants are not",
          "[cli][external]") {
  // Head's ./gobench and the base checkout's prints different Go benchmark lines.
  for (const auto& [path, ns] : {std::pair{"gobench", "10.5"}, std::pair{"ext-base/gobench", "20.5"}}) {
    const fs::path prog = write_file(path, std::string("#!/bin/sh\nprintf 'BenchmarkX-2\\t100\\t") + ns +
                                               " ns/op\\n'\n");
    fs::permissions(prog, fs::perms::owner_all);
  }
  const std::string head_of_file =
      "[scenario]\nname = \"ext-paired\"\nfamily = \"counters\"\n[run]\nrepetitions = 2\nmin_time = \"1ms\"\n"
      "warmup = \"0s\"\n[params]\nthreads = 1\nincrements = 10\n[[variant]]\nname = \"atomic\"\n"
      "impl = \"atomic_fetch_add\"\n[[variant]]\nname = \"outside\"\nimpl = \"external_command\"\n";
  const fs::path scenario = write_file("ext-paired.toml", head_of_file + "params = { command = [\"./gobench\"] }\n");
  const fs::path head = scratch_dir() / "ext-head.json";
  const fs::path base = scratch_dir() / "ext-base.json";
  auto run = velo({"run", scenario.string(), "--out", head.string(), "--forks", "2", "--baseline-dir", "ext-base",
                   "--baseline-out", base.string(), "--quiet"});
  INFO(run.err);
  REQUIRE(run.exit_code == 0);
  const auto head_json = read_json(head), base_json = read_json(base);
  const nlohmann::json* head_ext = find_case(head_json, "/outside/");
  const nlohmann::json* base_ext = find_case(base_json, "/outside/");
  const nlohmann::json* base_own = find_case(base_json, "/atomic/");
  REQUIRE(head_ext);
  REQUIRE(base_ext);
  REQUIRE(base_own);
  CHECK((*base_ext)["id"] == (*head_ext)["id"]);
  CHECK((*head_ext)["metrics"]["ns_per_op"]["samples"] == nlohmann::json::array({10.5, 10.5}));
  CHECK((*base_ext)["metrics"]["ns_per_op"]["samples"] == nlohmann::json::array({20.5, 20.5}));
  CHECK((*base_own)["status"] == "skipped");
  CHECK(contains((*base_own)["reason"].get<std::string>(), "its base is another velo build (--baseline-velo)"));

  // baseline_command, also an argv: the base side runs it instead (--baseline-dir .
  // keeps both sides in one directory).
  const fs::path own = write_file("ext-own.toml", head_of_file +
                                                      "params = { command = [\"./gobench\"], "
                                                      "baseline_command = [\"ext-base/gobench\"] }\n");
  auto own_run = velo({"run", own.string(), "--out", head.string(), "--forks", "2", "--baseline-dir", ".",
                       "--baseline-out", base.string(), "--quiet"});
  INFO(own_run.err);
  REQUIRE(own_run.exit_code == 0);
  const auto own_json = read_json(base);
  const nlohmann::json* own_base = find_case(own_json, "/outside/");
  REQUIRE(own_base);
  CHECK((*own_base)["metrics"]["ns_per_op"]["samples"] == nlohmann::json::array({20.5, 20.5}));
}

TEST_CASE("paired external runs refuse bad paths and what has no base, exit 2, nothing written",
          "[cli][external]") {
  const fs::path head = scratch_dir() / "never.json";
  const fs::path base = scratch_dir() / "never-base.json";
  fs::remove(head);
  fs::remove(base);
  const std::string binary = env("VELO_TINY_GBENCH");
  const fs::path scenario = gbench_scenario("gb-bad", binary);
  auto expect_refused = [&](const std::vector<std::string>& extra, const std::string& message) {
    std::vector<std::string> args{"run", scenario.string(), "--out", head.string(), "--baseline-out", base.string()};
    args.insert(args.end(), extra.begin(), extra.end());
    auto run = velo(args);
    INFO(run.err);
    CHECK(run.exit_code == 2);
    CHECK(contains(run.err, message));
    CHECK_FALSE(fs::exists(head));
    CHECK_FALSE(fs::exists(base));
  };
  expect_refused({"--baseline-binary", "/nonexistent/bench"}, "--baseline-binary /nonexistent/bench: cannot execute it");
  expect_refused({"--baseline-binary", "other/bench=" + binary}, "no gbench case runs 'other/bench'");
  expect_refused({"--baseline-dir", "/nonexistent"}, "--baseline-dir /nonexistent: not a directory");
  // The absolute binary has no base in a directory: nothing would be paired.
  expect_refused({"--baseline-dir", "."}, "none of the 2 cases to measure has a base build");
  expect_refused({"--baseline-binary", "/bin/false"}, "listing the benchmarks");
  expect_refused({"--baseline-binary", "/bin/true"}, "lists no benchmark");
  expect_refused({"--baseline-binary", binary, "--baseline-velo", env("VELO_BIN")},
                 "cannot be combined with --baseline-velo");
  expect_refused({"--baseline-binary", binary, "--profile"}, "cannot be combined with profiling");
  // A built-in family's base is another velo build.
  auto builtin = velo({"run", test_data("cli", "counters-small.toml"), "--out", head.string(), "--baseline-dir",
                       "."});
  CHECK(builtin.exit_code == 2);
  CHECK(contains(builtin.err, "its base is another velo build (--baseline-velo)"));
}

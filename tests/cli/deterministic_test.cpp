// `velo run --measure instructions` end to end (docs/deterministic.md): one small
// single-thread case measured twice under Valgrind gives identical counts, in every
// repetition and in both runs, with the metrics and the Valgrind provenance in the
// report; a multi-threaded case is skipped with the reason; the gate passes the two
// runs; a missing Valgrind and unavailable hardware counters are clear errors (exit
// 2) with nothing measured. Skipped (exit 77) where Valgrind is not installed.
#define CATCH_CONFIG_RUNNER  // main() below skips (77) without Valgrind
#include "core/build_info.hpp"
#include "valgrind_main.hpp"
#include "velo_process.hpp"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

using namespace clitest;
using nlohmann::json;

namespace {

const char* kScenario = R"(# Two single-thread counters and one with two threads, briefly.
[scenario]
name = "det"
family = "counters"

[run]
repetitions = 2
ops = 200

[params]
threads = [1, 2]
increments = 10

[[variant]]
name = "atomic"
impl = "atomic_fetch_add"

[[variant]]
name = "mutex"
impl = "mutex"
)";

fs::path scratch() {
  static const fs::path dir = [] {
    fs::path d = make_scratch_dir("deterministic");
    std::ofstream(d / "det.toml") << kScenario;
    return d;
  }();
  return dir;
}

json read_json(const fs::path& path) { return json::parse(slurp(path)); }

const json* find_case(const json& report, std::string_view id) {
  for (const auto& c : report["cases"]) {
    if (c["id"] == id) return &c;
  }
  return nullptr;
}

// Two runs of the scenario, measured once per test process.
struct TwoRuns {
  Outcome first, second;
  json a, b;
};
const TwoRuns& two_runs() {
  static const TwoRuns runs = [] {
    TwoRuns r;
    const fs::path dir = scratch();
    const std::vector<std::string> common{"run", (dir / "det.toml").string(), "--measure", "instructions",
                                          "--cache-sim", "--branch-sim", "-q"};
    auto args_a = common, args_b = common;
    args_a.insert(args_a.end(), {"-o", (dir / "a.json").string()});
    args_b.insert(args_b.end(), {"-o", (dir / "b.json").string()});
    r.first = run_velo(args_a, {.scratch = dir});
    r.second = run_velo(args_b, {.scratch = dir});
    if (r.first.exit_code == 0) r.a = read_json(dir / "a.json");
    if (r.second.exit_code == 0) r.b = read_json(dir / "b.json");
    return r;
  }();
  return runs;
}

}  // namespace

TEST_CASE("a single-thread case measured twice gives identical instruction counts", "[deterministic]") {
  const auto& runs = two_runs();
  INFO(runs.first.err << runs.second.err);
  REQUIRE(runs.first.exit_code == 0);
  REQUIRE(runs.second.exit_code == 0);
  for (const char* id : {"counters/atomic/increments=10,threads=1", "counters/mutex/increments=10,threads=1"}) {
    INFO(id);
    const json* a = find_case(runs.a, id);
    const json* b = find_case(runs.b, id);
    REQUIRE(a != nullptr);
    REQUIRE(b != nullptr);
    REQUIRE((*a)["status"] == "ok");
    CHECK((*a)["run"]["measure"]["mode"] == "instructions");
    CHECK((*a)["run"]["measure"]["ops"] == 200);
    CHECK((*a)["details"]["iterations"] == json::array({200, 200}));
    const json& metrics = (*a)["metrics"];
    // Counts, not times: no ns_per_op from a simulator.
    CHECK_FALSE(metrics.contains("ns_per_op"));
    for (const char* name : {"instructions_per_op", "sim_l1i_misses_per_op", "sim_l1d_misses_per_op",
                             "sim_ll_misses_per_op", "est_cycles_per_op", "sim_branch_misses_per_op"}) {
      INFO(name);
      REQUIRE(metrics.contains(name));
      // Exact: the same binary and inputs give the same counts, run after run.
      CHECK(metrics[name]["samples"] == (*b)["metrics"][name]["samples"]);
    }
    const json& instructions = metrics["instructions_per_op"]["samples"];
    REQUIRE(instructions.size() == 2);
    CHECK(instructions[0] == instructions[1]);  // and repetition after repetition
    CHECK(instructions[0].get<double>() > 0);
    CHECK(metrics["instructions_per_op"]["unit"] == "instr");
    const json& valgrind = (*a)["details"]["valgrind"];
    CHECK_FALSE(valgrind["version"].get<std::string>().empty());
    CHECK_THAT(valgrind["options"].get<std::string>(), Catch::Contains("--cache-sim=yes"));
    CHECK(valgrind["simulated"].size() == 3);
  }
  // A mutex does more work per increment than one atomic add.
  const double atomic = find_case(runs.a, "counters/atomic/increments=10,threads=1")
                            ->at("metrics")["instructions_per_op"]["samples"][0];
  const double mutex = find_case(runs.a, "counters/mutex/increments=10,threads=1")
                           ->at("metrics")["instructions_per_op"]["samples"][0];
  CHECK(mutex > atomic);
  CHECK(runs.a["settings"]["measure"] == "instructions");
}

TEST_CASE("a multi-threaded case is skipped with the reason", "[deterministic]") {
  const auto& runs = two_runs();
  REQUIRE(runs.first.exit_code == 0);
  const json* c = find_case(runs.a, "counters/atomic/increments=10,threads=2");
  REQUIRE(c != nullptr);
  CHECK((*c)["status"] == "skipped");
  CHECK_THAT((*c)["reason"].get<std::string>(), Catch::Contains("Valgrind runs one thread at a time"));
}

TEST_CASE("the gate passes two runs of the same build on their exact counts", "[deterministic]") {
  const auto& runs = two_runs();
  REQUIRE(runs.first.exit_code == 0);
  REQUIRE(runs.second.exit_code == 0);
  const fs::path dir = scratch();
  auto gate = run_velo({"gate", (dir / "a.json").string(), (dir / "b.json").string(), "--format", "markdown"},
                       {.scratch = dir});
  INFO(gate.out << gate.err);
  CHECK(gate.exit_code == 0);
  CHECK_THAT(gate.out, Catch::Contains("counts identical in every repetition"));
}

TEST_CASE("without Valgrind the run is refused before anything is measured", "[deterministic]") {
  const fs::path dir = scratch();
  ::setenv("VELO_VALGRIND", (dir / "no-such-valgrind").c_str(), 1);
  auto missing = run_velo({"run", (dir / "det.toml").string(), "--measure", "instructions", "-o",
                           (dir / "missing.json").string()},
                          {.scratch = dir});
  ::unsetenv("VELO_VALGRIND");
  CHECK(missing.exit_code == 2);
  CHECK_THAT(missing.err, Catch::Contains("needs Valgrind"));
  CHECK_FALSE(fs::exists(dir / "missing.json"));

  auto no_isolate = run_velo({"run", (dir / "det.toml").string(), "--measure", "instructions", "--no-isolate",
                              "-o", (dir / "x.json").string()},
                             {.scratch = dir});
  CHECK(no_isolate.exit_code == 2);
  CHECK_THAT(no_isolate.err, Catch::Contains("--no-isolate"));
}

TEST_CASE("hardware counters: measured where available, a clear error where not", "[deterministic]") {
  const fs::path dir = scratch();
  auto counters = run_velo({"run", (dir / "det.toml").string(), "--measure", "counters", "--filter", "threads=1",
                            "-q", "-o", (dir / "counters.json").string()},
                           {.scratch = dir});
  INFO(counters.err);
  if (counters.exit_code == 2) {
    CHECK_THAT(counters.err, Catch::Contains("hardware counters are unavailable here"));
    CHECK_FALSE(fs::exists(dir / "counters.json"));
  } else {
    REQUIRE(counters.exit_code == 0);
    const json report = read_json(dir / "counters.json");
    for (const auto& c : report["cases"]) {
      if (c["status"] == "ok") CHECK(c["metrics"].contains("instructions_per_op"));
    }
  }
}

TEST_CASE("a bad [run] measure names the file and line", "[deterministic]") {
  const fs::path dir = scratch();
  std::ofstream(dir / "bad.toml") << "[scenario]\nname = \"bad\"\nfamily = \"counters\"\n[run]\nmeasure = \"cycles\"\n"
                                     "[[variant]]\nname = \"a\"\nimpl = \"mutex\"\n";
  auto check = run_velo({"check", (dir / "bad.toml").string()}, {.scratch = dir});
  CHECK(check.exit_code == 2);
  CHECK_THAT(check.err, Catch::Contains("bad.toml:5"));
  CHECK_THAT(check.err, Catch::Contains("\"instructions\""));
}

TEST_CASE("a map case replays its operations: every repetition counts the same", "[deterministic]") {
  // Half writes and erases change the map as they go; replayed from the same op, every
  // repetition meets the same contents (docs/deterministic.md, "How exact").
  const fs::path dir = scratch();
  std::ofstream(dir / "map.toml") << "[scenario]\nname = \"det-map\"\nfamily = \"map\"\n"
                                     "[params]\nthreads = 1\nkeys = 1000\nmix = \"50-45-5\"\n"
                                     "[run]\nrepetitions = 3\nops = 500\n"
                                     "[[variant]]\nname = \"mutex_map\"\nimpl = \"mutex_map\"\n";
  auto run = run_velo({"run", (dir / "map.toml").string(), "--measure", "instructions", "-q", "-o",
                       (dir / "map.json").string()},
                      {.scratch = dir});
  INFO(run.err);
  REQUIRE(run.exit_code == 0);
  const json report = read_json(dir / "map.json");
  REQUIRE(report["cases"].size() == 1);
  const json& c = report["cases"][0];
  REQUIRE(c["status"] == "ok");
  const json& samples = c["metrics"]["instructions_per_op"]["samples"];
  REQUIRE(samples.size() == 3);
  CHECK(samples[0] == samples[1]);
  CHECK(samples[1] == samples[2]);
  // No latency percentiles: timings under a simulator are not reported.
  CHECK_FALSE(c["metrics"].contains("read_p50_ns"));
}

// Hidden ([.plugin]): run by the test plugin/deterministic, which passes the test plugins' directory.
TEST_CASE("a plugin's variant is counted like a built-in one", "[.plugin][deterministic]") {
  const char* plugins = std::getenv("VELO_TEST_PLUGINS");
  REQUIRE(plugins != nullptr);
  const fs::path dir = scratch();
  std::ofstream(dir / "plugin.toml") << "[scenario]\nname = \"det-plugin\"\nfamily = \"counters\"\n"
                                        "[params]\nthreads = 1\n[run]\nrepetitions = 2\nops = 100\n"
                                        "[[variant]]\nname = \"mine\"\nimpl = \"atomic_counter\"\n";
  auto run = run_velo({"run", (dir / "plugin.toml").string(), "--plugin", std::string(plugins) + "/velo_test_good.so",
                       "--measure", "instructions", "-q", "-o", (dir / "plugin.json").string()},
                      {.scratch = dir});
  INFO(run.err);
  REQUIRE(run.exit_code == 0);
  const json report = read_json(dir / "plugin.json");
  const json* c = find_case(report, "counters/mine/increments=100,threads=1");
  if (c == nullptr) c = &report["cases"][0];
  REQUIRE((*c)["status"] == "ok");
  const json& samples = (*c)["metrics"]["instructions_per_op"]["samples"];
  REQUIRE(samples.size() == 2);
  CHECK(samples[0] == samples[1]);
  CHECK(samples[0].get<double>() > 0);
}

int main(int argc, char** argv) { return clitest::valgrind_tests_main(argc, argv); }

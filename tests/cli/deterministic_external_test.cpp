// `velo run --measure instructions` on work in other processes (docs/deterministic.md,
// "External benchmarks"), end to end under Valgrind: a `command` case counts the whole
// run, or only count_function, identically run after run; a `gbench` case counts only
// the benchmark loop, per iteration, identically run after run. (That a Go benchmark and
// a multi-threaded Google benchmark are skipped with the reason is checked in
// tests/families/external/count_test.cpp.) Skipped (exit 77) without Valgrind.
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

fs::path scratch() {
  static const fs::path dir = make_scratch_dir("deterministic-external");
  return dir;
}

json read_json(const fs::path& path) { return json::parse(slurp(path)); }

// Two runs of one scenario in instruction mode; both must succeed.
std::pair<json, json> run_twice(const std::string& name, const std::string& scenario) {
  const fs::path dir = scratch();
  std::ofstream(dir / (name + ".toml")) << scenario;
  json reports[2];
  for (int i = 0; i < 2; ++i) {
    const fs::path out = dir / (name + "-" + std::to_string(i) + ".json");
    auto run = run_velo({"run", (dir / (name + ".toml")).string(), "--measure", "instructions", "-q", "-o",
                         out.string()},
                        {.scratch = dir});
    INFO(run.err);
    REQUIRE(run.exit_code == 0);
    reports[i] = read_json(out);
  }
  return {reports[0], reports[1]};
}

// Case k of two runs: the same id, ok, two repetitions counted equal to each other
// and to the other run's. Returns the count per op.
double counted_identically(const json& a, const json& b, int k) {
  const json& ca = a["cases"][k];
  const json& cb = b["cases"][k];
  INFO(ca["id"].get<std::string>() << ": " << ca.value("reason", ""));
  REQUIRE(ca["id"] == cb["id"]);
  REQUIRE(ca["status"] == "ok");
  const json& samples = ca["metrics"]["instructions_per_op"]["samples"];
  REQUIRE(samples.size() == 2);
  CHECK(samples[0] == samples[1]);                                  // repetition after repetition
  CHECK(samples == cb["metrics"]["instructions_per_op"]["samples"]);  // run after run
  CHECK_FALSE(ca["metrics"].contains("ns_per_op"));
  return samples[0].get<double>();
}

}  // namespace

TEST_CASE("a command is counted whole, identically run after run, in proportion to its work", "[deterministic]") {
  const std::string program = env("VELO_TINY_COMMAND");
  auto [a, b] = run_twice("command", "[scenario]\nname = \"det-cmd\"\nfamily = \"command\"\n"
                                     "[params]\ncommand = \"" + program + " {n}\"\nn = [\"1000\", \"101000\"]\n"
                                     "[run]\nrepetitions = 2\n"
                                     "[[variant]]\nname = \"spin\"\nimpl = \"command\"\n");
  double per_run[2];
  REQUIRE(a["cases"].size() == 2);  // n = 1000, then n = 101000
  REQUIRE(b["cases"].size() == 2);
  for (int k = 0; k < 2; ++k) {
    per_run[k] = counted_identically(a, b, k);
    const json& ca = a["cases"][k];
    CHECK(ca["details"]["iterations"] == json::array({1, 1}));  // one run per repetition
    CHECK_FALSE(ca["details"]["valgrind"]["version"].get<std::string>().empty());
  }
  // The whole process: start-up alone is tens of thousands of instructions; 100,000 more
  // spins add at least 100,000 x 3.
  CHECK(per_run[0] > 10'000);
  CHECK(per_run[1] - per_run[0] > 300'000);
}

TEST_CASE("count_function counts only inside that function", "[deterministic]") {
  const std::string program = env("VELO_TINY_COMMAND");
  auto [a, b] = run_twice("toggle", "[scenario]\nname = \"det-toggle\"\nfamily = \"command\"\n"
                                    "[params]\ncommand = \"" + program + " 1000\"\ncount_function = \"spin\"\n"
                                    "[run]\nrepetitions = 2\n"
                                    "[[variant]]\nname = \"spin\"\nimpl = \"command\"\n");
  REQUIRE(a["cases"].size() == 1);
  const json& c = a["cases"][0];
  INFO(c.value("reason", ""));
  REQUIRE(c["status"] == "ok");
  const json& samples = c["metrics"]["instructions_per_op"]["samples"];
  CHECK(samples == b["cases"][0]["metrics"]["instructions_per_op"]["samples"]);
  // 1,000 iterations of a loop of a few instructions, and nothing of the start-up.
  CHECK(samples[0].get<double>() >= 3'000);
  CHECK(samples[0].get<double>() < 20'000);
}

TEST_CASE("a Google benchmark is counted inside its loop, per iteration, identically", "[deterministic]") {
  const std::string binary = env("VELO_TINY_GBENCH");
  auto [a, b] = run_twice("gbench", "[scenario]\nname = \"det-gbench\"\nfamily = \"gbench\"\n"
                                    "[params]\nbinary = \"" + binary + "\"\nfilter = \"BM_loop\"\n"
                                    "[run]\nrepetitions = 2\n"
                                    "[[variant]]\nname = \"tiny\"\nimpl = \"gbench\"\n");
  REQUIRE(a["cases"].size() == 2);  // BM_loop/1, BM_loop/8
  REQUIRE(b["cases"].size() == 2);
  for (int k = 0; k < 2; ++k) {
    const double per_iteration = counted_identically(a, b, k);
    // The loop of BM_loop is a handful of instructions: nothing of GB's runner or start-up.
    CHECK(per_iteration > 0);
    CHECK(per_iteration < 100);
    CHECK_THAT(a["cases"][k]["details"]["argv"].dump(), Catch::Contains("--benchmark_min_time="));
  }
}

int main(int argc, char** argv) { return clitest::valgrind_tests_main(argc, argv); }

// The gobench family: Go's benchmark format read, and a tiny Go package measured
// in process and through the velo binary, including a benchmark failure and a
// compile error. Without `go` the whole executable exits 77 (skipped).
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "families/external/external.hpp"
#include "families/external/go_bench_format.hpp"
#include "families/external/process_profile.hpp"
#include "profiler/pprof_reader.hpp"
#include "scenario/scenario.hpp"
#include "../../cli/velo_process.hpp"

namespace fs = std::filesystem;
using velo::CaseError;
using velo::ExternalMeasurement;

namespace {

std::string go_dir(const std::string& name) { return clitest::env("VELO_GO_PACKAGES") + "/" + name; }

velo::Params go_params(const velo::Family& family, const std::string& package, const std::string& benchmark) {
  velo::Params params;
  for (const auto& spec : family.params) params.set(spec.name, spec.default_value);
  params.set("package", package);
  params.set("benchmark", benchmark);
  return params;
}

const velo::ExternalMetric* metric(const ExternalMeasurement& m, const std::string& name) {
  for (const auto& metric : m.metrics) {
    if (metric.spec.name == name) return &metric;
  }
  return nullptr;
}

}  // namespace

TEST_CASE("Go benchmark lines: names, procs, value-unit pairs", "[external][gobench]") {
  const auto lines = velo::external::read_go_bench(
      "goos: linux\nBenchmarkChan/cap=64-8   \t 2000000\t      95.1 ns/op\t  64 B/op\t 2 allocs/op\t 3.5 msgs/s\n"
      "BenchmarkOne \t 10 \t 1.5e3 ns/op\nBenchmarkBad 10 ns/op\n--- FAIL: BenchmarkX\nPASS\nok  \tpkg\t1.2s\n");
  REQUIRE(lines.size() == 2);
  CHECK(lines[0].name == "BenchmarkChan/cap=64");
  CHECK(lines[0].procs == 8);
  CHECK(lines[0].iterations == 2000000);
  REQUIRE(lines[0].values.size() == 4);
  CHECK(lines[0].values[3] == std::pair<std::string, double>{"msgs/s", 3.5});
  CHECK(lines[1].name == "BenchmarkOne");
  CHECK(lines[1].procs == 1);
  CHECK(lines[1].values[0].second == 1500.0);

  CHECK(velo::external::go_metric("ns/op").name == "ns_per_op");
  CHECK(velo::external::go_metric("B/op").name == "bytes_per_op");
  CHECK(velo::external::go_metric("allocs/op").name == "allocs_per_op");
  CHECK(velo::external::go_metric("msgs/s").name == "msgs_per_s");
  CHECK(velo::external::go_metric("msgs/s").better == velo::Better::higher);
  CHECK(velo::external::go_metric("ns/msg").better == velo::Better::lower);
}

TEST_CASE("a Go package: cases from its sources, measured, failures with Go's message", "[external][gobench]") {
  const velo::Family family = velo::make_gobench_family();
  auto listed = family.listed_param->list(go_params(family, go_dir("ok"), ""));
  REQUIRE(listed);
  // BenchmarkSub calls b.Run: its sub-benchmarks, found by running it once, are the cases.
  CHECK(*listed == std::vector<std::string>{"BenchmarkAlloc", "BenchmarkFail", "BenchmarkSub/a", "BenchmarkSub/size=8"});

  const auto& impl = family.impls.front();
  const velo::ExternalRun run{.repetitions = 2, .min_time_s = 0.01, .warmup_s = 0};
  auto measured = impl.measure(go_params(family, go_dir("ok"), "BenchmarkAlloc"), run);
  if (auto* error = std::get_if<CaseError>(&measured)) FAIL(error->reason);
  const auto& m = std::get<ExternalMeasurement>(measured);
  REQUIRE(metric(m, "ns_per_op"));
  CHECK(metric(m, "ns_per_op")->samples.size() == 2);
  CHECK(metric(m, "ops_per_s"));
  REQUIRE(metric(m, "allocs_per_op"));
  CHECK(metric(m, "allocs_per_op")->samples == std::vector<double>{1, 1});
  CHECK(metric(m, "bytes_per_op")->samples == std::vector<double>{64, 64});
  CHECK(metric(m, "msgs_per_op")->samples == std::vector<double>{5, 5});

  auto failed = impl.measure(go_params(family, go_dir("ok"), "BenchmarkFail"), run);
  REQUIRE(std::holds_alternative<CaseError>(failed));
  CHECK(std::get<CaseError>(failed).reason.find("the fixture is broken") != std::string::npos);

  auto sub = impl.measure(go_params(family, go_dir("ok"), "BenchmarkSub"), run);
  REQUIRE(std::holds_alternative<CaseError>(sub));
  CHECK(std::get<CaseError>(sub).reason.find("sub-benchmarks") != std::string::npos);

  auto size8 = impl.measure(go_params(family, go_dir("ok"), "BenchmarkSub/size=8"), run);
  if (auto* error = std::get_if<CaseError>(&size8)) FAIL(error->reason);
  const auto& s8 = std::get<ExternalMeasurement>(size8);
  CHECK(metric(s8, "ns_per_op")->samples.size() == 2);  // only size=8 ran, not a as well
  CHECK(metric(s8, "bytes_per_op")->samples == std::vector<double>{8, 8});

  auto broken = impl.measure(go_params(family, go_dir("broken"), "BenchmarkBroken"), run);
  REQUIRE(std::holds_alternative<CaseError>(broken));
  CHECK(std::get<CaseError>(broken).reason.find("undefined: undefinedFunction") != std::string::npos);
}

TEST_CASE("--profile on a Go benchmark: Go's CPU profile read into folded stacks", "[external][gobench]") {
  const velo::Family family = velo::make_gobench_family();
  const velo::ExternalRun run{.repetitions = 2, .min_time_s = 0.2, .warmup_s = 0};
  velo::ProcessProfileSlot slot(velo::ProcessProfileRequest{.hz = 99});
  auto measured = family.impls.front().measure(go_params(family, go_dir("ok"), "BenchmarkAlloc"), run);
  if (auto* error = std::get_if<CaseError>(&measured)) FAIL(error->reason);
  const auto& m = std::get<ExternalMeasurement>(measured);
  CHECK(metric(m, "ns_per_op")->samples.size() == 2);
  const auto profile = slot.take();
  REQUIRE(profile);
  INFO(profile->off_reason);
  REQUIRE(profile->off_reason.empty());
  auto read = velo::profiler::read_pprof(profile->pprof, profile->source);
  REQUIRE(read);
  CHECK(read->period == 10000000);  // Go's 100 Hz, whatever was asked
  CHECK(read->period_unit == "nanoseconds");
  bool benchmark_seen = false;
  for (const auto& [stack, count] : read->stacks.stacks()) {
    for (auto frame : velo::profiler::split_frames(stack)) {
      if (frame.size() >= 15 && frame.substr(frame.size() - 15) == ".BenchmarkAlloc") benchmark_seen = true;
    }
  }
  CHECK(benchmark_seen);
  // go test left no test binary or profile in the package.
  CHECK_FALSE(fs::exists(go_dir("ok") + "/ok.test"));
  CHECK_FALSE(fs::exists(go_dir("ok") + "/cpu.pprof"));
}

TEST_CASE("velo run on a Go package: per-cpu cases, compile error is a failed case", "[external][gobench][cli]") {
  const fs::path scratch = clitest::make_scratch_dir("gobench-test");
  const fs::path scenario = scratch / "go.toml";
  std::ofstream(scenario) << "[scenario]\nname = \"go\"\nfamily = \"gobench\"\n[run]\nrepetitions = 2\n"
                             "min_time = \"10ms\"\nwarmup = \"0s\"\n[params]\ncpu = [1, 2]\n"
                             "[[variant]]\nname = \"ok\"\nimpl = \"gobench\"\nparams = { package = \""
                          << go_dir("ok") << "\", bench = \"Alloc\" }\n"
                             "[[variant]]\nname = \"broken\"\nimpl = \"gobench\"\nparams = { package = \""
                          << go_dir("broken") << "\" }\n";
  const fs::path report = scratch / "go.json";
  auto run = clitest::run_velo({"run", scenario.string(), "--out", report.string(), "--quiet"},
                               {.scratch = scratch});
  INFO(run.err);
  CHECK(run.exit_code == 1);
  const auto json = nlohmann::json::parse(clitest::slurp(report));
  REQUIRE(json["cases"].size() == 4);
  CHECK(json["cases"][0]["id"].get<std::string>().find("benchmark=BenchmarkAlloc") != std::string::npos);
  CHECK(json["cases"][0]["id"].get<std::string>().find("cpu=1") != std::string::npos);
  for (int i : {0, 1}) {
    CHECK(json["cases"][i]["status"] == "ok");
    CHECK(json["cases"][i]["metrics"]["ns_per_op"]["samples"].size() == 2);
    CHECK(json["cases"][i]["metrics"].contains("allocs_per_op"));
  }
  for (int i : {2, 3}) {
    CHECK(json["cases"][i]["status"] == "failed");
    CHECK(json["cases"][i]["reason"].get<std::string>().find("undefinedFunction") != std::string::npos);
  }
}

TEST_CASE("--baseline-dir: a Go package paired with the base checkout's copy, case by case", "[external][gobench][cli]") {
  // head/pkg/ok and base/pkg/ok: the same package, base with one benchmark more.
  const fs::path scratch = clitest::make_scratch_dir("gobench-paired-test");
  for (const char* side : {"head", "base"}) {
    fs::create_directories(scratch / side / "pkg");
    fs::copy(go_dir("ok"), scratch / side / "pkg" / "ok", fs::copy_options::recursive);
  }
  std::ofstream(scratch / "base" / "pkg" / "ok" / "retired_test.go")
      << "package ok\n\nimport \"testing\"\n\nfunc BenchmarkAllocRetired(b *testing.B) {\n"
         "\tfor i := 0; i < b.N; i++ {\n\t}\n}\n";
  const fs::path scenario = scratch / "head" / "go.toml";
  std::ofstream(scenario) << "[scenario]\nname = \"go\"\nfamily = \"gobench\"\n[run]\nrepetitions = 2\n"
                             "min_time = \"10ms\"\nwarmup = \"0s\"\n"
                             "[[variant]]\nname = \"ok\"\nimpl = \"gobench\"\n"
                             "params = { package = \"./pkg/ok\", bench = \"Alloc\" }\n";
  const fs::path head = scratch / "head.json", base = scratch / "base.json";
  // velo runs in head's checkout, as in CI: the package path is relative to it.
  auto run = clitest::run_velo({"run", "go.toml", "--out", head.string(), "--forks", "2", "--baseline-dir", "../base",
                                "--baseline-out", base.string()},
                               {.scratch = scratch / "head", .chdir_to_scratch = true});
  INFO(run.err);
  REQUIRE(run.exit_code == 0);
  CHECK(run.err.find("BenchmarkAllocRetired") != std::string::npos);  // only in base: named, not measured
  const auto head_json = nlohmann::json::parse(clitest::slurp(head));
  const auto base_json = nlohmann::json::parse(clitest::slurp(base));
  CHECK(base_json["pairing"]["run_id"] == head_json["pairing"]["run_id"]);
  REQUIRE(head_json["cases"].size() == 1);
  REQUIRE(base_json["cases"].size() == 1);
  CHECK(base_json["cases"][0]["id"] == head_json["cases"][0]["id"]);
  CHECK(head_json["cases"][0]["params"]["package"] == "./pkg/ok");
  CHECK(base_json["cases"][0]["params"]["package"] == "../base/pkg/ok");
  for (const auto* json : {&head_json, &base_json}) {
    CHECK((*json)["cases"][0]["status"] == "ok");
    CHECK((*json)["cases"][0]["metrics"]["ns_per_op"]["samples"].size() == 2);
    CHECK((*json)["cases"][0]["details"]["fork_repetitions"] == nlohmann::json::array({1, 1}));
  }
}

int main(int argc, char* argv[]) {
  if (std::system("go version >/dev/null 2>&1") != 0) {
    std::puts("go is not installed: skipping the gobench tests");
    return 77;
  }
  return Catch::Session().run(argc, argv);
}

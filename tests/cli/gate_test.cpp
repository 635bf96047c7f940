// `velo compare`, `velo gate` and `velo export` (report formats) run as a CI job runs
// them, on the hand-made reports in tests/data/gate/ (make_fixtures.py there says
// what each one holds and so which verdict is expected). Checks exit codes, the
// --summary file, threshold precedence, error messages and, against golden files,
// compare's table and Markdown output. Never measures anything.
//
// Golden files: VELO_UPDATE_GOLDEN=1 meson test -C build cli/gate rewrites
// tests/data/gate/compare.txt and compare.md; review the diff before committing.
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

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

std::string data(const std::string& name) { return test_data("gate", name); }

fs::path scratch_dir() {
  static const fs::path dir = make_scratch_dir("gate-test");
  return dir;
}

fs::path scratch(const std::string& name) { return scratch_dir() / name; }

void write(const fs::path& path, const std::string& text) { std::ofstream(path, std::ios::binary) << text; }

// Runs the velo binary with `args`, stdout and stderr captured, no colour.
Outcome velo(const std::vector<std::string>& args) {
  return run_velo(args, {.scratch = scratch_dir(), .no_color = true});
}

Outcome gate(const std::string& base, const std::string& head, std::vector<std::string> extra = {}) {
  std::vector<std::string> args{"gate", data(base), data(head)};
  args.insert(args.end(), extra.begin(), extra.end());
  return velo(args);
}

std::size_t count_lines_matching(const std::string& text, const std::regex& pattern) {
  std::size_t n = 0;
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) n += std::regex_match(line, pattern) ? 1 : 0;
  return n;
}

void check_golden(const std::string& name, const std::string& actual) {
  const std::string path = data(name);
  if (std::getenv("VELO_UPDATE_GOLDEN")) write(path, actual);
  INFO("golden file " << path << " (VELO_UPDATE_GOLDEN=1 rewrites it); actual output:\n" << actual);
  CHECK(slurp(path) == actual);
}

}  // namespace

TEST_CASE("gate exit codes: 0 pass, 1 regression or broken case, 2 bad input", "[gate]") {
  CHECK(gate("base.json", "head-same.json").exit_code == 0);
  CHECK(gate("base.json", "head-improve.json").exit_code == 0);

  auto regress = gate("base.json", "head-regress.json");
  CHECK(regress.exit_code == 1);
  CHECK(contains(regress.out, "regression   counters/atomic/increments=100,threads=1 ns_per_op"));
  CHECK(contains(regress.out, "improvement  counters/mutex/increments=100,threads=1 ns_per_op"));
  CHECK(contains(regress.out, "gate FAILED: 1 regression, 1 improvement, 2 unchanged"));

  auto broke = gate("base.json", "head-broke.json");
  CHECK(broke.exit_code == 1);
  CHECK(contains(broke.out, "broke        counters/sharded/increments=100,threads=1: failed in head: verification failed"));

  // Added and removed cases are listed but do not fail the gate.
  auto missing = gate("base.json", "head-missing.json");
  CHECK(missing.exit_code == 0);
  CHECK(contains(missing.out, "removed      counters/sharded/increments=100,threads=1: only in base"));
  CHECK(contains(missing.out, "added        counters/batch/increments=100,threads=1: only in head"));

  CHECK(gate("base.json", "missing-file.json").exit_code == 2);
  // A misspelt gated metric would otherwise gate nothing and pass.
  auto typo = gate("base.json", "head-regress.json", {"--metric", "ns_per_opp"});
  CHECK(typo.exit_code == 2);
  CHECK(contains(typo.err, "did you mean 'ns_per_op'?"));
  CHECK(gate("base.json", "head-regress.json", {"--metric", "ops_per_s"}).exit_code == 1);
  CHECK(gate("base.json", "head-regress.json", {"--metric", "allocs_per_op"}).exit_code == 0);
  CHECK(gate("base.json", "head-same.json", {"--max-regression", "5"}).exit_code == 2);
}

TEST_CASE("gate --summary writes Markdown: regressions, then improvements, then unchanged", "[gate]") {
  const fs::path summary = scratch("summary.md");
  auto regress = gate("base.json", "head-regress.json", {"--summary", summary.string()});
  CHECK(regress.exit_code == 1);
  const std::string md = slurp(summary);
  INFO(md);
  CHECK(md.starts_with("## velo gate: failed"));
  const auto regressions = md.find("### Regressions");
  const auto improvements = md.find("### Improvements");
  const auto unchanged = md.find("2 unchanged (case, metric) pairs");
  REQUIRE(regressions != std::string::npos);
  REQUIRE(improvements != std::string::npos);
  REQUIRE(unchanged != std::string::npos);
  CHECK(regressions < improvements);
  CHECK(improvements < unchanged);
  const auto atomic = md.find("`counters/atomic/increments=100,threads=1` | ns_per_op");
  const auto mutex = md.find("`counters/mutex/increments=100,threads=1` | ns_per_op");
  CHECK((regressions < atomic && atomic < improvements));
  CHECK((improvements < mutex && mutex < unchanged));
  CHECK(contains(md, "**+20.1%**"));
  CHECK(contains(md, "**-19.9%**"));

  fs::remove(summary);
  CHECK(gate("base.json", "head-same.json", {"--summary", summary.string()}).exit_code == 0);
  const std::string pass = slurp(summary);
  CHECK(pass.starts_with("## velo gate: passed"));
  CHECK_FALSE(contains(pass, "### Regressions"));
  CHECK(contains(pass, "4 unchanged (case, metric) pairs"));
}

TEST_CASE("gate --confirm-with: a finding counts only if the second round shows it too", "[gate]") {
  auto agreed = gate("base.json", "head-regress.json", {"--confirm-with", data("base.json"), data("head-regress.json")});
  CHECK(agreed.exit_code == 1);
  CHECK(contains(agreed.out, "regression   counters/atomic/"));
  CHECK(contains(agreed.out, "improvement  counters/mutex/"));

  auto noise = gate("base.json", "head-regress.json", {"--confirm-with", data("base.json"), data("head-same.json")});
  CHECK(noise.exit_code == 0);
  CHECK(contains(noise.out, "unconfirmed  counters/atomic/increments=100,threads=1 ns_per_op"));
  CHECK(contains(noise.out, "unconfirmed  counters/mutex/increments=100,threads=1 ns_per_op"));
  CHECK(contains(noise.out, "gate passed: 0 regressions, 0 improvements"));

  // A second round that regresses where the first did not adds nothing: round 1 decides what is suspect.
  CHECK(gate("base.json", "head-same.json", {"--confirm-with", data("base.json"), data("head-regress.json")})
            .exit_code == 0);
  CHECK(gate("base.json", "head-regress.json", {"--confirm-with", data("base.json")}).exit_code == 2);
  CHECK(gate("base.json", "head-regress.json", {"--confirm-with", data("base.json"), data("truncated.json")})
            .exit_code == 2);
}

TEST_CASE("gate thresholds: --max-regression, gate file and scenario [gate] precedence", "[gate]") {
  // HEAD's atomic case is 8% slower: over the 5% default.
  CHECK(gate("base.json", "head-small-regress.json").exit_code == 1);
  CHECK(gate("base.json", "head-small-regress.json", {"--max-regression", "10%"}).exit_code == 0);
  CHECK(gate("base.json", "head-small-regress.json", {"--max-regression", "7%"}).exit_code == 1);

  const fs::path loose = scratch("loose.toml");
  write(loose, "[gate]\nmax_regression = \"10%\"\n");
  const fs::path tight = scratch("tight.toml");
  write(tight, "[gate]\nmax_regression = \"6%\"\n");
  const fs::path case_rule = scratch("case-rule.toml");
  write(case_rule, "[[gate.case]]\npattern = \"/atomic/\"\nmax_regression = \"10%\"\n");
  const fs::path metric_rule = scratch("metric-rule.toml");
  write(metric_rule, "[gate.metric.ns_per_op]\nmax_regression = \"10%\"\n");

  SECTION("a gate file's global limit") {
    CHECK(gate("base.json", "head-small-regress.json", {"--gate-file", loose.string()}).exit_code == 0);
    CHECK(gate("base.json", "head-small-regress.json", {"--gate-file", tight.string()}).exit_code == 1);
  }
  SECTION("--max-regression beats the gate file's global limit") {
    CHECK(gate("base.json", "head-small-regress.json",
               {"--gate-file", loose.string(), "--max-regression", "3%"}).exit_code == 1);
    CHECK(gate("base.json", "head-small-regress.json",
               {"--gate-file", tight.string(), "--max-regression", "10%"}).exit_code == 0);
  }
  SECTION("case and metric rules beat every global limit") {
    auto by_case = gate("base.json", "head-small-regress.json",
                        {"--gate-file", case_rule.string(), "--max-regression", "3%"});
    CHECK(by_case.exit_code == 0);
    CHECK(gate("base.json", "head-small-regress.json",
               {"--gate-file", metric_rule.string(), "--max-regression", "3%"}).exit_code == 0);
  }
  SECTION("the scenario's [gate] table, read from BASE") {
    CHECK(gate("base-gated.json", "head-small-regress.json").exit_code == 0);
    // The gate file comes before the scenario at the same level; the command line before both.
    CHECK(gate("base-gated.json", "head-small-regress.json", {"--gate-file", tight.string()}).exit_code == 1);
    CHECK(gate("base-gated.json", "head-small-regress.json", {"--max-regression", "3%"}).exit_code == 1);
    // HEAD's own [gate] table does not count: a change cannot loosen its own gate.
    CHECK(gate("base.json", "base-gated.json").exit_code == 0);
    CHECK(gate("base.json", "head-small-regress.json").exit_code == 1);
  }
  SECTION("the finding names the threshold and where it came from") {
    auto out = gate("base.json", "head-small-regress.json", {"--gate-file", tight.string()});
    CHECK(contains(out.out, "limit 6.00% from gate file"));
    auto scenario = gate("base-gated.json", "head-regress.json");
    CHECK(contains(scenario.out, "limit 10.0% from scenario 'counters' [gate]"));
  }
  SECTION("a bad gate file is exit 2 with file, line and column") {
    const fs::path typo = scratch("typo.toml");
    write(typo, "[gate]\nmax_regression = \"5%\"\nmax_regresion = \"3%\"\n");
    auto bad = gate("base.json", "head-same.json", {"--gate-file", typo.string()});
    CHECK(bad.exit_code == 2);
    CHECK(contains(bad.err, typo.string() + ":3:"));
    CHECK(contains(bad.err, "unknown key 'max_regresion'"));
    const fs::path number = scratch("number.toml");
    write(number, "max_regression = 5\n");
    auto bare = gate("base.json", "head-same.json", {"--gate-file", number.string()});
    CHECK(bare.exit_code == 2);
    CHECK(contains(bare.err, number.string() + ":1:"));
  }
}

TEST_CASE("invalid reports are exit 2 naming the file and line", "[gate][compare]") {
  for (const std::string command : {"gate", "compare"}) {
    INFO(command);
    auto truncated = velo({command, data("base.json"), data("truncated.json")});
    CHECK(truncated.exit_code == 2);
    CHECK(std::regex_search(truncated.err, std::regex("truncated\\.json:4[01]:[0-9]+: invalid JSON")));
    auto future = velo({command, data("future-schema.json"), data("base.json")});
    CHECK(future.exit_code == 2);
    CHECK(contains(future.err, "future-schema.json: schema_version: this report has schema version 99"));
    auto folded = velo({command, data("base.json"), env("VELO_TEST_DATA") + "/profiler/canonical.folded"});
    CHECK(folded.exit_code == 2);
    CHECK(contains(folded.err, "canonical.folded:1:1: invalid JSON"));
  }
}

TEST_CASE("compare: table and Markdown match their golden files", "[compare]") {
  auto table = velo({"compare", data("base.json"), data("head-regress.json"), "--color", "never"});
  CHECK(table.exit_code == 0);  // compare never fails on a regression
  check_golden("compare.txt", table.out);
  auto markdown = velo({"compare", data("base.json"), data("head-regress.json"), "--format", "markdown"});
  CHECK(markdown.exit_code == 0);
  check_golden("compare.md", markdown.out);
  // Cases only in one report, and a failed one, listed after the tables.
  for (const std::string head : {"head-missing", "head-broke"}) {
    auto text = velo({"compare", data("base.json"), data(head + ".json"), "--metric", "ns_per_op", "--color", "never"});
    CHECK(text.exit_code == 0);
    check_golden("compare-" + head.substr(5) + ".txt", text.out);
    auto md = velo({"compare", data("base.json"), data(head + ".json"), "--metric", "ns_per_op", "--format", "markdown"});
    CHECK(md.exit_code == 0);
    check_golden("compare-" + head.substr(5) + ".md", md.out);
  }
}

TEST_CASE("compare: csv and json carry every case and metric", "[compare]") {
  auto csv = velo({"compare", data("base.json"), data("head-regress.json"), "--format", "csv"});
  CHECK(csv.exit_code == 0);
  CHECK(csv.out.starts_with("case,metric,unit,better,base_median,"));
  // 4 cases x (ns_per_op, ops_per_s) + 2 cases x (allocs_per_op, bytes_per_op), plus the header.
  CHECK(std::count(csv.out.begin(), csv.out.end(), '\n') == 1 + 8 + 4);
  CHECK(contains(csv.out, "counters/atomic/increments=100,threads=1\",ns_per_op,ns,lower,"));

  auto json = velo({"compare", data("base.json"), data("head-regress.json"), "--format", "json"});
  CHECK(json.exit_code == 0);
  const auto parsed = nlohmann::json::parse(json.out);
  REQUIRE(parsed["cases"].size() == 4);
  CHECK(parsed["cases"][0]["metrics"]["ns_per_op"]["verdict"] == "worse");
  CHECK(parsed["cases"][0]["metrics"]["ops_per_s"]["verdict"] == "worse");
  CHECK(parsed["cases"][1]["metrics"]["ns_per_op"]["verdict"] == "better");
  CHECK(parsed["cases"][2]["metrics"]["ns_per_op"]["verdict"] == "same");
  CHECK(parsed["cases"][0]["metrics"]["allocs_per_op"]["verdict"] == "same");
  CHECK(parsed["correction"] == "holm");
  CHECK(parsed["warnings"].empty());
}

TEST_CASE("compare: --filter, --metric and --sort select and order rows", "[compare]") {
  auto filtered = velo({"compare", data("base.json"), data("head-regress.json"), "--filter", "mutex|padded",
                        "--format", "json"});
  CHECK(filtered.exit_code == 0);
  const auto parsed = nlohmann::json::parse(filtered.out);
  REQUIRE(parsed["cases"].size() == 2);
  CHECK(parsed["cases"][0]["id"] == "counters/mutex/increments=100,threads=1");
  CHECK(parsed["cases"][1]["id"] == "counters/padded/increments=100,threads=1");

  auto metric = velo({"compare", data("base.json"), data("head-regress.json"), "--metric", "ops_per_s",
                      "--color", "never"});
  CHECK(metric.exit_code == 0);
  CHECK(contains(metric.out, "ops_per_s (op/s, higher is better)"));
  CHECK_FALSE(contains(metric.out, "ns_per_op"));
  CHECK(contains(metric.out, "geomean (4 cases)"));

  auto sorted = velo({"compare", data("base.json"), data("head-regress.json"), "--metric", "ns_per_op",
                      "--sort", "delta", "--color", "never"});
  const auto first = sorted.out.find("counters/");
  CHECK(sorted.out.compare(first, 15, "counters/atomic") == 0);  // +20% before -20%: stable on ties

  auto typo = velo({"compare", data("base.json"), data("head-regress.json"), "--metric", "ns_per_opp"});
  CHECK(typo.exit_code == 2);
  CHECK(contains(typo.err, "no case in either report has a metric 'ns_per_opp' (did you mean 'ns_per_op'?)"));
  CHECK(velo({"compare", data("base.json"), data("head-regress.json"), "--filter", "("}).exit_code == 2);
  CHECK(velo({"compare", data("base.json"), data("head-regress.json"), "--format", "xml"}).exit_code == 2);
}

TEST_CASE("compare warns about different machines and too few samples", "[compare]") {
  auto other = velo({"compare", data("base.json"), data("head-other-machine.json"), "--color", "never"});
  CHECK(other.exit_code == 0);
  CHECK(other.out.starts_with("warning: "));
  CHECK(contains(other.out, "warning: host differs: 'bench-1' (base) vs 'laptop' (head)"));
  CHECK(contains(other.out, "warning: compiler differs: 'gcc 12.2.0' (base) vs 'clang 16.0.6' (head)"));
  auto gated = gate("base.json", "head-other-machine.json");
  CHECK(gated.exit_code == 0);
  CHECK(contains(gated.out, "warning: host differs"));

  // 3 + 3 samples: the smallest two-sided p any data can give is 2 / C(6, 3) = 0.1.
  auto few = velo({"compare", data("base-few.json"), data("head-few.json"), "--color", "never"});
  CHECK(few.exit_code == 0);
  CHECK(contains(few.out, "~ (too few samples)"));
  CHECK(contains(few.out, "with 3 and 3 samples the smallest possible p-value is 0.10, above alpha 0.05"));
  auto few_gate = gate("base-few.json", "head-few.json");
  CHECK(few_gate.exit_code == 0);  // a 20% slowdown nobody can show with 3 samples
  CHECK(contains(few_gate.out, "4 unchanged (4 with too few samples to ever be significant)"));
}

TEST_CASE("export: benchstat lines, one per repetition, B/op and allocs/op only when measured", "[export]") {
  auto out = velo({"export", data("base.json"), "--to", "benchstat"});
  CHECK(out.exit_code == 0);
  CHECK(out.out.starts_with("goos: linux\ngoarch: amd64\npkg: velo\ncpu: AMD EPYC 7B13\n"));
  // go test -bench's shape: name-GOMAXPROCS, iterations, then value-unit pairs.
  const std::regex line(R"(Benchmark[A-Z][^ \t]*-2\t[0-9]+(\t-?[0-9.e+]+ [^ \t]+)+)");
  CHECK(count_lines_matching(out.out, line) == 40);
  const std::regex measured(
      R"(BenchmarkCounters/atomic/increments=100/threads=1-2\t10[0-9]000\t[0-9.]+ ns/op\t0 B/op\t0 allocs/op\t.*)");
  CHECK(count_lines_matching(out.out, measured) == 10);
  CHECK(contains(out.out, "BenchmarkCounters/atomic/increments=100/threads=1-2\t100000\t996 ns/op\t0 B/op\t0 allocs/op\t"));
  const std::regex unmeasured(R"(BenchmarkCounters/mutex/[^\t]*\t[0-9]+\t[0-9.]+ ns/op\t[0-9.e+]+ ops/s)");
  CHECK(count_lines_matching(out.out, unmeasured) == 10);
}

TEST_CASE("export: Google Benchmark JSON with repetitions and aggregates", "[export]") {
  const fs::path file = scratch("gbench.json");
  auto out = velo({"export", data("base.json"), "--to", "gbench", "-o", file.string()});
  CHECK(out.exit_code == 0);
  CHECK(out.out.empty());
  const auto json = nlohmann::json::parse(slurp(file));
  CHECK(json["context"]["num_cpus"] == 2);
  CHECK(json["context"]["library_build_type"] == "release");
  const auto& benchmarks = json["benchmarks"];
  REQUIRE(benchmarks.size() == 4 * (10 + 4));
  // What compare.py reads: name, run_type, aggregate_name, real_time, cpu_time, time_unit.
  const auto& first = benchmarks[0];
  CHECK(first["name"] == "counters/atomic/increments=100,threads=1");
  CHECK(first["run_type"] == "iteration");
  CHECK(first["repetition_index"] == 0);
  CHECK(first["repetitions"] == 10);
  CHECK(first["iterations"] == 100000);
  CHECK(first["real_time"] == 996.0);
  CHECK(first["time_unit"] == "ns");
  CHECK(first["threads"] == 1);
  const auto& median = benchmarks[11];
  CHECK(median["name"] == "counters/atomic/increments=100,threads=1_median");
  CHECK(median["run_type"] == "aggregate");
  CHECK(median["aggregate_name"] == "median");
  CHECK(median["real_time"] == 999.0);
  CHECK(median["iterations"] == 10);
  CHECK(benchmarks[13]["aggregate_name"] == "cv");
  CHECK(benchmarks[13]["aggregate_unit"] == "percentage");
  CHECK(benchmarks[14]["family_index"] == 1);
}

TEST_CASE("export: csv and markdown of a report", "[export]") {
  auto csv = velo({"export", data("base.json"), "--to", "csv"});
  CHECK(csv.exit_code == 0);
  CHECK(csv.out.starts_with("scenario,case_id,family,variant,impl,"));
  CHECK(std::count(csv.out.begin(), csv.out.end(), '\n') == 1 + 12);
  auto markdown = velo({"export", data("base.json"), "--to", "markdown"});
  CHECK(markdown.exit_code == 0);
  CHECK(contains(markdown.out, "| variant |"));
  CHECK(contains(markdown.out, "| atomic |"));
}

TEST_CASE("export: wrong input for the format is exit 2 naming the file, nothing written", "[export]") {
  const fs::path out = scratch("never-written.txt");
  const std::string folded = env("VELO_TEST_DATA") + "/profiler/canonical.folded";
  auto stacks = velo({"export", folded, "--to", "benchstat", "-o", out.string()});
  CHECK(stacks.exit_code == 2);
  CHECK(contains(stacks.err, folded + ": not a velo report"));
  auto report = velo({"export", data("base.json"), "--to", "speedscope", "-o", out.string()});
  CHECK(report.exit_code == 2);
  CHECK(contains(report.err, "base.json: a report, but --to speedscope converts folded stacks"));
  auto truncated = velo({"export", data("truncated.json"), "--to", "gbench", "-o", out.string()});
  CHECK(truncated.exit_code == 2);
  CHECK(std::regex_search(truncated.err, std::regex("truncated\\.json:4[01]:[0-9]+: invalid JSON")));
  auto future = velo({"export", data("future-schema.json"), "--to", "csv", "-o", out.string()});
  CHECK(future.exit_code == 2);
  CHECK(contains(future.err, "future-schema.json: schema_version: this report has schema version 99"));
  const fs::path not_report = scratch("not-a-report.json");
  write(not_report, "{\"benchmarks\": []}\n");
  auto other_json = velo({"export", not_report.string(), "--to", "benchstat", "-o", out.string()});
  CHECK(other_json.exit_code == 2);
  CHECK(contains(other_json.err, "not-a-report.json: schema_version: missing"));
  CHECK_FALSE(fs::exists(out));
  auto unknown = velo({"export", data("base.json"), "--to", "benchstats"});
  CHECK(unknown.exit_code == 2);
  CHECK(contains(unknown.err, "did you mean 'benchstat'?"));
}

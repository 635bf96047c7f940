// `velo report`, `velo run --html`, `velo compare --html` and `velo gate --html` as a
// user or CI job runs them: exit codes, the page written (atomically, only when every
// input is good) and its data element. What the page draws is checked in a real
// browser by tests/browser/render_reports.py. Only the --html run measures anything
// (the tiny counters scenario, two repetitions).
#include <catch2/catch.hpp>

#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "velo_process.hpp"

namespace fs = std::filesystem;

namespace {

using namespace clitest;

fs::path scratch_dir() {
  static const fs::path dir = make_scratch_dir("html-test");
  return dir;
}

Outcome velo(const std::vector<std::string>& args) { return run_velo(args, {.scratch = scratch_dir(), .no_color = true}); }

nlohmann::json page_data(const std::string& page) {
  const std::string open = "<script type=\"application/json\" id=\"velo-data\">";
  const auto begin = page.find(open);
  REQUIRE(begin != std::string::npos);
  const auto end = page.find("</script>", begin);
  REQUIRE(end != std::string::npos);
  return nlohmann::json::parse(page.substr(begin + open.size(), end - begin - open.size()));
}

}  // namespace

TEST_CASE("velo report writes one page holding every report given", "[cli][html]") {
  const fs::path out = scratch_dir() / "report.html";
  const std::string example = test_data("report", "example.json");
  auto result = velo({"report", example, test_data("gate", "base.json"), "-o", out.string()});
  INFO(result.err);
  REQUIRE(result.exit_code == 0);
  const std::string page = slurp(out);
  CHECK(page.rfind("<!DOCTYPE html>", 0) == 0);
  const auto data = page_data(page);
  CHECK(data["kind"] == "run");
  REQUIRE(data["reports"].size() == 2);
  CHECK(data["reports"][0]["source"] == example);
  CHECK(data["reports"][0]["report"]["cases"].size() == nlohmann::json::parse(slurp(example))["cases"].size());
}

TEST_CASE("velo report names a profiled case whose flame graph it cannot embed", "[cli][html]") {
  // run.json's first case was profiled into sample.folded, relative to where it ran;
  // from this scratch directory (and its recorded directory) that file is not found.
  const fs::path out = scratch_dir() / "flames.html";
  auto result = velo({"report", test_data("html", "run.json"), "-o", out.string()});
  INFO(result.err);
  REQUIRE(result.exit_code == 0);
  const auto data = page_data(slurp(out));
  CHECK(data["flamegraphs"].empty());
  REQUIRE(data["flamegraph_problems"].contains("counters/atomic/increments=100,threads=1"));
  CHECK_THAT(data["flamegraph_problems"]["counters/atomic/increments=100,threads=1"].get<std::string>(),
             Catch::Contains("sample.folded"));
}

TEST_CASE("velo report refuses bad input and writes nothing", "[cli][html]") {
  const fs::path out = scratch_dir() / "bad.html";
  fs::remove(out);
  auto missing = velo({"report", (scratch_dir() / "missing.json").string(), "-o", out.string()});
  CHECK(missing.exit_code == 2);
  CHECK_THAT(missing.err, Catch::Contains("missing.json"));
  auto truncated = velo({"report", test_data("report", "example.json"), test_data("gate", "truncated.json"), "-o", out.string()});
  CHECK(truncated.exit_code == 2);
  CHECK_THAT(truncated.err, Catch::Contains("truncated.json"));
  CHECK_FALSE(fs::exists(out));
  auto no_out = velo({"report", test_data("report", "example.json")});
  CHECK(no_out.exit_code == 2);
  auto directory = velo({"report", test_data("report", "example.json"), "-o", scratch_dir().string()});
  CHECK(directory.exit_code == 2);
  CHECK(fs::is_directory(scratch_dir()));
}

TEST_CASE("compare --html and gate --html write the comparison and the verdict", "[cli][html]") {
  const fs::path compare_page = scratch_dir() / "compare.html";
  auto compare = velo({"compare", test_data("gate", "base.json"), test_data("gate", "head-regress.json"), "--html",
                       compare_page.string()});
  INFO(compare.err);
  CHECK(compare.exit_code == 0);
  const auto compared = page_data(slurp(compare_page));
  CHECK(compared["kind"] == "compare");
  CHECK_FALSE(compared["comparison"]["cases"].empty());

  const fs::path gate_page = scratch_dir() / "gate.html";
  auto gate = velo({"gate", test_data("gate", "base.json"), test_data("gate", "head-regress.json"), "--html",
                    gate_page.string()});
  CHECK(gate.exit_code == 1);  // a regression: the page is still written
  const auto gated = page_data(slurp(gate_page));
  CHECK(gated["kind"] == "gate");
  CHECK(gated["gate"]["passed"] == false);
  CHECK(gated["gate"]["regressions"].get<int>() >= 1);
}

TEST_CASE("velo run --html writes the page beside the JSON report", "[cli][html]") {
  const fs::path json_report = scratch_dir() / "run.json";
  const fs::path page = scratch_dir() / "run.html";
  auto run = velo({"run", test_data("cli", "counters-small.toml"), "--out", json_report.string(), "--html", page.string(),
                   "--repetitions", "2", "-q"});
  INFO(run.err);
  REQUIRE(run.exit_code == 0);
  const auto data = page_data(slurp(page));
  CHECK(data["reports"][0]["report"] == nlohmann::json::parse(slurp(json_report)));
}

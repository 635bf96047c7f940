// An external program as a variant of a built-in family: same table (group) as
// the family's own variants, its printed results as samples, a missing program
// a skip. Measured in process through the runner. Asserts behaviour, never timings.
#include <catch2/catch.hpp>

#include <cstdlib>

#include "runner/measure.hpp"
#include "scenario/scenario.hpp"

namespace {

std::vector<velo::Case> cases_of(const std::string& variants) {
  const std::string text =
      "[scenario]\nname = \"ext\"\nfamily = \"counters\"\n[run]\nrepetitions = 3\nmin_time = \"1ms\"\n"
      "warmup = \"0s\"\n[params]\nthreads = 1\nincrements = 10\n[[variant]]\nname = \"atomic\"\n"
      "impl = \"atomic_fetch_add\"\n" + variants;
  auto scenario = velo::parse_scenario(text, "ext.toml", velo::registry());
  INFO((scenario ? std::string() : scenario.error().describe()));
  REQUIRE(scenario);
  auto cases = velo::expand_cases({*scenario}, {}, velo::registry());
  REQUIRE(cases);
  return *cases;
}

}  // namespace

TEST_CASE("a Go-format program is a variant in a built-in family's table", "[external]") {
  // printf prints one Go benchmark line per run; the parameter is substituted.
  const auto cases = cases_of(
      "[[variant]]\nname = \"outside\"\nimpl = \"external_command\"\n"
      "params = { command = \"printf 'BenchmarkX-2\\\\t100\\\\t{increments}.5 ns/op\\\\t7 B/op\\\\n'\" }\n");
  REQUIRE(cases.size() == 2);
  CHECK(cases[1].group == cases[0].group);  // one table
  const auto result = velo::measure_case(velo::registry(), cases[1]);
  INFO(result.reason);
  REQUIRE(result.status == velo::report::CaseStatus::ok);
  const auto* ns = result.find_metric("ns_per_op");
  REQUIRE(ns);
  CHECK(ns->samples == std::vector<double>{10.5, 10.5, 10.5});  // one run per repetition
  REQUIRE(result.find_metric("bytes_per_op"));
  CHECK(result.details["results"] == 3);
}

TEST_CASE("an external variant's failures and missing programs", "[external]") {
  const auto cases = cases_of(
      "[[variant]]\nname = \"silent\"\nimpl = \"external_command\"\nparams = { command = \"true\" }\n"
      "[[variant]]\nname = \"failing\"\nimpl = \"external_command\"\n"
      "params = { command = \"sh -c 'echo cannot-compile >&2 && exit 2'\" }\n"
      "[[variant]]\nname = \"missing\"\nimpl = \"external_command\"\n"
      "params = { command = \"velo-no-such-program-anywhere -x\" }\n");
  REQUIRE(cases.size() == 4);
  const auto silent = velo::measure_case(velo::registry(), cases[1]);
  CHECK(silent.status == velo::report::CaseStatus::failed);
  CHECK(silent.reason.find("no Go benchmark result line") != std::string::npos);
  const auto failing = velo::measure_case(velo::registry(), cases[2]);
  CHECK(failing.status == velo::report::CaseStatus::failed);
  CHECK(failing.reason.find("cannot-compile") != std::string::npos);
  REQUIRE(cases[3].skip_reason);
  CHECK(cases[3].skip_reason->find("not installed") != std::string::npos);
}

TEST_CASE("the shipped channel-vs-go scenario is valid", "[external]") {
  const char* root = std::getenv("VELO_SOURCE_ROOT");
  REQUIRE(root);
  auto loaded = velo::load_scenarios({std::string(root) + "/scenarios/channel-vs-go.toml"}, velo::registry());
  INFO((loaded ? std::string() : loaded.error().describe()));
  REQUIRE(loaded);
  auto cases = velo::expand_cases(*loaded, {}, velo::registry());
  REQUIRE(cases);
  CHECK(cases->size() == 4 * 4);  // producers 1,2 x capacity 0,64 x four variants
}

// Scenario files that were accepted and should not be (issue #15), each rejected
// with file:line:col by the parser (so by `velo check` and `velo run` alike).
#include <catch2/catch.hpp>

#include <string>

#include "fake_family.hpp"
#include "scenario/scenario.hpp"

using namespace velo;
using velo::testing::parse_fails;
using velo::testing::parse_ok;
using velo::testing::test_registry;

namespace {

// Lines 1-6: a valid scenario of the counters family with one variant.
std::string counters_file(std::string_view rest, std::string_view name = "s") {
  return "[scenario]\nname = \"" + std::string(name) + "\"\nfamily = \"counters\"\n[[variant]]\nname = \"m\"\n"
         "impl = \"mutex\"\n" + std::string(rest);
}

void check_error(const Error& error, std::string_view message, int line, int column) {
  CHECK(error.message == message);
  CHECK(error.where.file == "test.toml");
  CHECK(error.where.line == line);
  CHECK(error.where.column == column);
}

}  // namespace

TEST_CASE("[gate] is validated when the scenario is read, as a gate file is", "[scenario][gate]") {
  check_error(parse_fails(counters_file("[gate]\nmax_regresion = \"5%\"\n")),
              "unknown key 'max_regresion' in [gate] (did you mean 'max_regression'?); expected one of: "
              "max_regression, metrics, metric, case",
              8, 17);
  check_error(parse_fails(counters_file("[gate]\nmax_regression = \"banana\"\n")),
              "max_regression: expected a percentage string such as \"5%\"", 8, 18);
  check_error(parse_fails(counters_file("[gate]\nalpha = 0.01\n")),
              "'alpha' cannot be set in a scenario's [gate]: the test's settings belong to the CI job (a gate file "
              "or `velo gate --alpha`); [gate] takes max_regression, metrics, metric, case",
              8, 9);
  const Error pattern = parse_fails(counters_file("[[gate.case]]\npattern = \"(\"\nmax_regression = \"5%\"\n"));
  CHECK_THAT(pattern.message, Catch::StartsWith("pattern: '(' is not a valid regular expression (RE2 syntax)"));
  CHECK(pattern.where.line == 8);
  CHECK(pattern.where.column == 11);
  const Scenario ok = parse_ok(counters_file("[gate]\nmax_regression = \"7%\"\n[[gate.case]]\npattern = \"^counters/\"\n"
                                        "max_regression = \"10%\"\n"));
  CHECK(ok.gate["max_regression"] == "7%");
}

TEST_CASE("[run] counts and durations have limits", "[scenario][limits]") {
  check_error(parse_fails(counters_file("[run]\nrepetitions = 1000000000\n")),
              "'repetitions' in [run] must be between 1 and 100000, got 1000000000", 8, 15);
  check_error(parse_fails(counters_file("[run]\nforks = 4294967297\n")),
              "'forks' in [run] must be between 1 and 100000, got 4294967297", 8, 9);
  check_error(parse_fails(counters_file("[run]\ntimeout = \"99999999999999999m\"\n")),
              "'timeout' in [run]: '99999999999999999m' is longer than the largest duration, 7 days", 8, 11);
  check_error(parse_fails(counters_file("[run]\nmin_time = \"1e-300s\"\n")),
              "'min_time' in [run]: '1e-300s' is shorter than the smallest duration, 1ns", 8, 12);
  const Scenario at_limits = parse_ok(counters_file("[run]\nrepetitions = 100000\nwarmup = \"0s\"\ntimeout = \"10080m\"\n"));
  CHECK(at_limits.repetitions == 100000);
}

TEST_CASE("names that would break tables, progress lines or case ids are refused", "[scenario][names]") {
  check_error(parse_fails(counters_file("", "a\\nb")),
              "scenario name contains a line break: names appear in tables, progress lines and CSV", 2, 8);
  check_error(parse_fails(counters_file("", "a;b")),
              "scenario name contains ';': names appear in tables, progress lines and CSV", 2, 8);
  check_error(parse_fails(counters_file("", "a\\u202Eb")),
              "scenario name contains a bidirectional control character: names appear in tables, progress lines "
              "and CSV",
              2, 8);
  check_error(parse_fails(counters_file("[[variant]]\nname = \"x\\u0000y\"\nimpl = \"spinlock\"\n")),
              "variant name contains a NUL byte: it is part of case ids", 8, 8);
  check_error(parse_fails(counters_file("[[variant]]\nname = \"x;y\"\nimpl = \"spinlock\"\n")),
              "variant name contains ';': it is part of case ids", 8, 8);
}

TEST_CASE("text parameter values are percent-encoded in case ids", "[scenario][names]") {
  const Scenario scenario = parse_ok(
      "[scenario]\nname = \"s\"\nfamily = \"fake\"\n[[variant]]\nname = \"l\"\nimpl = \"labelled\"\n"
      "params = { label = [\"/mnt/a,b=c\", \"100%\"] }\n");
  auto cases = expand_cases({scenario}, {}, test_registry());
  REQUIRE(cases.ok());
  REQUIRE(cases->size() == 2);
  CHECK((*cases)[0].id == "fake/l/label=%2Fmnt%2Fa%2Cb%3Dc");
  CHECK((*cases)[1].id == "fake/l/label=100%25");
  CHECK((*cases)[0].params.text("label") == "/mnt/a,b=c");  // the workload gets the value itself

  check_error(parse_fails("[scenario]\nname = \"s\"\nfamily = \"fake\"\n[[variant]]\nname = \"l\"\n"
                          "impl = \"labelled\"\nparams = { label = \"a\\nb\" }\n"),
              "parameter 'label' contains a line break: its value is part of case ids", 7, 20);
}

TEST_CASE("a parameter matrix beyond 100,000 cases is refused before it is built", "[scenario][limits]") {
  // 1000 x 1000 x 1000 points: counted, not materialised.
  std::string values = "[";
  for (int i = 1; i <= 1000; ++i) values += std::to_string(i) + (i < 1000 ? "," : "]");
  const std::string text = "[scenario]\nname = \"s\"\nfamily = \"fake\"\n[params]\nsize = " + values +
                           "\nratio = [0.1, 0.2]\n[[variant]]\nname = \"t\"\nimpl = \"tuned\"\nparams = { knob = " +
                           values + " }\n";
  const Error error = parse_fails(text);
  CHECK_THAT(error.message, Catch::StartsWith("the parameter matrix expands to more than 100000 cases (variant 't' "
                                              "alone: more than 100000)"));
  CHECK(error.where.line == 7);
}

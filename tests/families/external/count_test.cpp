// The external families' side of --measure instructions (families/counted_process.hpp)
// that needs no Valgrind: what they refuse to count, and why, before running anything.
// The counting itself is tested end to end in tests/cli/deterministic_external_test.cpp.
#include <catch2/catch.hpp>

#include "families/external/external.hpp"

using velo::CaseError;
using velo::CountedMeasurement;
using velo::Params;
using velo::ProcessCounting;

namespace {

// A counting whose Valgrind must never be started.
ProcessCounting unusable() {
  ProcessCounting counting;
  counting.valgrind = {"/nonexistent/valgrind"};
  counting.collect = [] { return velo::Expected<std::vector<velo::CallgrindEvents>>(velo::make_error("unused")); };
  counting.repetitions = 2;
  return counting;
}

const CaseError& refused(const std::variant<CountedMeasurement, CaseError>& result) {
  const auto* error = std::get_if<CaseError>(&result);
  REQUIRE(error != nullptr);
  return *error;
}

}  // namespace

TEST_CASE("a Go benchmark is skipped in instruction mode with the reason", "[gobench][count]") {
  const velo::Family family = velo::make_gobench_family();
  REQUIRE(family.impls.size() == 1);
  REQUIRE(family.impls[0].count);
  Params params;
  params.set("package", std::string("./x"));
  params.set("benchmark", std::string("BenchmarkX"));
  const CaseError& error = refused(family.impls[0].count(params, unusable()));
  CHECK(error.skip);
  CHECK_THAT(error.reason, Catch::Contains("Valgrind"));
  CHECK_THAT(error.reason, Catch::Contains("measure them in time"));
}

TEST_CASE("a multi-threaded Google benchmark is skipped in instruction mode with the reason", "[gbench][count]") {
  const velo::Family family = velo::make_gbench_family();
  REQUIRE(family.impls[0].count);
  Params params;
  params.set("binary", std::string("/nonexistent/bench"));
  params.set("args", std::string("none"));
  params.set("filter", std::string("none"));
  params.set("benchmark", std::string("BM_x/8/threads:4"));
  const CaseError& error = refused(family.impls[0].count(params, unusable()));
  CHECK(error.skip);
  CHECK_THAT(error.reason, Catch::Contains("multi-threaded"));
}

TEST_CASE("the command and gbench families count in instruction mode", "[count]") {
  CHECK(velo::make_command_family().impls[0].count);
  CHECK(velo::make_gbench_family().impls[0].count);
}

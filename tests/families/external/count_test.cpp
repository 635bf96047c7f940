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

CaseError refused(const std::variant<CountedMeasurement, CaseError>& result) {
  const auto* error = std::get_if<CaseError>(&result);
  REQUIRE(error != nullptr);
  return *error;
}

}  // namespace

TEST_CASE("a Go benchmark is skipped in instruction mode with the reason", "[gobench][count]") {
  const velo::ProcessCount* count = velo::find_process_count("gobench", "gobench");
  REQUIRE(count != nullptr);
  Params params;
  params.set("package", std::string("./x"));
  params.set("benchmark", std::string("BenchmarkX"));
  const CaseError error = refused((*count)(params, unusable()));
  CHECK(error.skip);
  CHECK_THAT(error.reason, Catch::Contains("Valgrind"));
  CHECK_THAT(error.reason, Catch::Contains("measure them in time"));
}

TEST_CASE("a multi-threaded Google benchmark is skipped in instruction mode with the reason", "[gbench][count]") {
  const velo::ProcessCount* count = velo::find_process_count("gbench", "gbench");
  REQUIRE(count != nullptr);
  Params params;
  params.set("binary", std::string("/nonexistent/bench"));
  params.set("args", std::string("none"));
  params.set("filter", std::string("none"));
  params.set("benchmark", std::string("BM_x/8/threads:4"));
  const CaseError error = refused((*count)(params, unusable()));
  CHECK(error.skip);
  CHECK_THAT(error.reason, Catch::Contains("multi-threaded"));
}

TEST_CASE("the list of counting implementations: the external kinds, not the external_command variant",
          "[count]") {
  CHECK(velo::find_process_count("command", "command") != nullptr);
  CHECK(velo::find_process_count("gbench", "gbench") != nullptr);
  CHECK(velo::find_process_count("counters", "external_command") == nullptr);
  CHECK(velo::find_process_count("counters", "atomic_fetch_add") == nullptr);
}

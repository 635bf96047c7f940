// measure_case drives a real family in-process: every case gets the runner's
// metrics, and allocation counts match what the measured code is known to do.
#include <catch2/catch.hpp>

#include <algorithm>

#include "alloc/counting.hpp"
#include "families/family.hpp"
#include "runner/measure.hpp"
#include "scenario/scenario.hpp"
#include "single_case.hpp"

namespace velo {
namespace {


const report::MetricResult* find(const report::CaseResult& result, std::string_view name) {
  auto it = std::find_if(result.metrics.begin(), result.metrics.end(),
                         [&](const report::MetricResult& m) { return m.spec.name == name; });
  return it == result.metrics.end() ? nullptr : &*it;
}

bool has_note(const report::CaseResult& result, std::string_view prefix) {
  if (!result.details.contains("notes")) return false;
  for (const auto& note : result.details["notes"]) {
    if (note.get<std::string>().starts_with(prefix)) return true;
  }
  return false;
}

constexpr std::string_view pool_new_delete = R"(
[scenario]
name = "alloc"
family = "pool"
[run]
repetitions = 3
min_time = "5ms"
warmup = "0s"
[params]
threads = 1
object_bytes = 1000
live = 1
[[variant]]
name = "new_delete"
impl = "new_delete"
)";

TEST_CASE("every case gets allocs_per_op and bytes_per_op when counting is on") {
  const auto result = measure_case(registry(), testing::single_case(pool_new_delete));
  REQUIRE(result.status == report::CaseStatus::ok);
  REQUIRE(find(result, "ns_per_op"));
  REQUIRE(find(result, "cpu_ns_per_op"));
  const auto* allocs = find(result, "allocs_per_op");
  const auto* bytes = find(result, "bytes_per_op");
  if (!alloc::counting_active()) {
    // Sanitizer builds: absent, never zero, and the report says why.
    CHECK(allocs == nullptr);
    CHECK(bytes == nullptr);
    CHECK(has_note(result, "allocation counting off"));
    return;
  }
  REQUIRE(allocs);
  REQUIRE(bytes);
  CHECK_FALSE(has_note(result, "allocation counting off"));
  // new_delete: exactly one operator new of object_bytes per op, nothing else in run().
  REQUIRE(allocs->samples.size() == 3);
  for (double sample : allocs->samples) CHECK_THAT(sample, Catch::Matchers::WithinAbs(1.0, 1e-9));
  for (double sample : bytes->samples) CHECK_THAT(sample, Catch::Matchers::WithinAbs(1000.0, 1e-6));
}

TEST_CASE("code that does not allocate reports zero allocations per op") {
  const auto result = measure_case(registry(), testing::single_case(R"(
[scenario]
name = "no_alloc"
family = "counters"
[run]
repetitions = 2
min_time = "5ms"
warmup = "0s"
[params]
threads = 1
[[variant]]
name = "atomic"
impl = "atomic_fetch_add"
)"));
  REQUIRE(result.status == report::CaseStatus::ok);
  if (!alloc::counting_active()) return;
  const auto* allocs = find(result, "allocs_per_op");
  REQUIRE(allocs);
  for (double sample : allocs->samples) CHECK(sample == 0.0);
}

}  // namespace
}  // namespace velo

namespace velo {

TEST_CASE("a case with more than one thread reports overlap_pct; a single thread does not") {
  const auto two = measure_case(registry(), testing::atomic_counter_case("overlap", "repetitions = 3\nmin_time = \"2ms\"\nwarmup = \"0s\"\n", 2));
  REQUIRE(two.status == report::CaseStatus::ok);
  const report::MetricResult* overlap = two.find_metric("overlap_pct");
  REQUIRE(overlap);
  CHECK(overlap->spec.unit == "%");
  CHECK(overlap->samples.size() == 3);
  for (double pct : overlap->samples) {
    CHECK(pct >= 0);
    CHECK(pct <= 100);
  }
  const auto one = measure_case(registry(), testing::atomic_counter_case("overlap", "repetitions = 2\nmin_time = \"2ms\"\nwarmup = \"0s\"\n", 1));
  REQUIRE(one.status == report::CaseStatus::ok);
  CHECK(one.find_metric("overlap_pct") == nullptr);
}

TEST_CASE("pin_threads pins the case's team and records the CPUs in details") {
  const auto result = measure_case(registry(), testing::atomic_counter_case(
      "pinned", "repetitions = 2\nmin_time = \"2ms\"\nwarmup = \"0s\"\npin_threads = true\n", 2));
  REQUIRE(result.status == report::CaseStatus::ok);
  CHECK(result.spec.settings.pin_threads);
  REQUIRE(result.details.contains("pinned_cpus"));
  CHECK(result.details["pinned_cpus"].size() == 2);
  const auto unpinned = measure_case(registry(), testing::atomic_counter_case("pinned", "repetitions = 2\nmin_time = \"2ms\"\nwarmup = \"0s\"\n", 2));
  CHECK_FALSE(unpinned.details.contains("pinned_cpus"));
}

}  // namespace velo

// The counter arithmetic, on any machine: scaling for multiplexing, differences
// between reads, group read decoding, totals over threads, per-op metrics and the
// one-line reasons for unavailability.
#include <catch2/catch.hpp>

#include <cerrno>
#include <map>

#include "hwcounters/counts.hpp"

using velo::hw::Event;
using velo::hw::RawCount;

TEST_CASE("a count that never ran is absent, not zero", "[hwcounters]") {
  CHECK_FALSE(velo::hw::scaled({.value = 0, .time_enabled = 100, .time_running = 0}).has_value());
  CHECK_FALSE(velo::hw::scaled({.value = 0, .time_enabled = 0, .time_running = 0}).has_value());
}

TEST_CASE("counts are scaled by enabled over running time", "[hwcounters]") {
  CHECK(*velo::hw::scaled({.value = 1000, .time_enabled = 50, .time_running = 50}) == 1000.0);
  CHECK(*velo::hw::scaled({.value = 1000, .time_enabled = 100, .time_running = 25}) == 4000.0);
  // Running never legitimately exceeds enabled; never scale a count down.
  CHECK(*velo::hw::scaled({.value = 7, .time_enabled = 10, .time_running = 11}) == 7.0);
}

TEST_CASE("a repetition is the difference of two reads", "[hwcounters]") {
  const RawCount before{.value = 100, .time_enabled = 1000, .time_running = 500};
  const RawCount after{.value = 400, .time_enabled = 3000, .time_running = 1500};
  const RawCount d = velo::hw::delta(before, after);
  CHECK(d.value == 300);
  CHECK(d.time_enabled == 2000);
  CHECK(d.time_running == 1000);
  CHECK(*velo::hw::scaled(d) == 600.0);
}

TEST_CASE("group reads are decoded in open order with shared times", "[hwcounters]") {
  const std::uint64_t words[] = {3, 900, 300, 11, 22, 33};
  const auto counts = velo::hw::parse_group_read(words);
  REQUIRE(counts);
  REQUIRE(counts->size() == 3);
  CHECK((*counts)[0].value == 11);
  CHECK((*counts)[2].value == 33);
  CHECK((*counts)[1].time_enabled == 900);
  CHECK((*counts)[1].time_running == 300);

  const std::uint64_t truncated[] = {3, 900, 300, 11};
  CHECK_FALSE(velo::hw::parse_group_read(truncated));
  CHECK_FALSE(velo::hw::parse_group_read(std::span<const std::uint64_t>{}));
}

TEST_CASE("totals sum threads and drop an event any thread missed", "[hwcounters]") {
  velo::hw::Totals totals;
  totals.add(Event::cycles, 100.0);
  totals.add(Event::cycles, 50.0);
  totals.add(Event::instructions, 10.0);
  totals.add(Event::instructions, std::nullopt);  // second thread's counter never ran
  totals.add(Event::instructions, 10.0);
  CHECK(*totals.total(Event::cycles) == 150.0);
  CHECK_FALSE(totals.total(Event::instructions));
  CHECK_FALSE(totals.total(Event::llc_misses));  // not opened on this CPU
}

TEST_CASE("per-op metrics cover only what was measured", "[hwcounters]") {
  velo::hw::Totals totals;
  totals.add(Event::cycles, 3000.0);
  totals.add(Event::l1d_read_misses, 30.0);
  std::map<std::string, double> metrics;
  for (auto [name, value] : velo::hw::per_op_metrics(totals, 1000)) metrics[std::string(name)] = value;
  CHECK(metrics == std::map<std::string, double>{{"cycles_per_op", 3.0}, {"l1d_misses_per_op", 0.03}});
  CHECK(velo::hw::per_op_metrics(velo::hw::Totals{}, 1).empty());
}

TEST_CASE("every event has a declared metric", "[hwcounters]") {
  for (Event event : velo::hw::kEvents) {
    bool declared = false;
    for (const auto& spec : velo::hw::metric_specs()) declared |= spec.name == velo::hw::metric_name(event);
    CHECK(declared);
  }
}

TEST_CASE("unavailability is explained in one line", "[hwcounters]") {
  const std::string no_pmu = velo::hw::unavailable_reason(ENOENT, 2);
  CHECK_THAT(no_pmu, Catch::Contains("no hardware counters") && Catch::Contains("virtual machines"));
  CHECK(velo::hw::unavailable_reason(EOPNOTSUPP, 2).find("no hardware counters") != std::string::npos);

  const std::string refused = velo::hw::unavailable_reason(EACCES, 3);
  CHECK_THAT(refused, Catch::Contains("perf_event_paranoid is 3") && Catch::Contains("sysctl"));
  CHECK_THAT(velo::hw::unavailable_reason(EPERM, std::nullopt), Catch::Contains("unreadable"));

  CHECK_THAT(velo::hw::unavailable_reason(EBADF, 1), Catch::Contains("errno"));
  for (int error : {ENOENT, EACCES, EPERM, ENOSYS, EINVAL}) {
    CHECK(velo::hw::unavailable_reason(error, 2).find('\n') == std::string::npos);
  }
}

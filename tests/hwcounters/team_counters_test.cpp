// TeamCounters on whatever machine runs the tests: either it counts, or it says
// why not and reports nothing. Either way nothing crashes and nothing is zero.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <set>

#include "hwcounters/perf_group.hpp"
#include "threads/thread_team.hpp"

TEST_CASE("team thread ids are the members' kernel tids", "[hwcounters]") {
  velo::ThreadTeam team(3);
  const auto ids = velo::hw::team_thread_ids(team);
  REQUIRE(ids.size() == 3);
  CHECK(ids[0] == gettid());
  CHECK(std::set<pid_t>(ids.begin(), ids.end()).size() == 3);
}

TEST_CASE("team counters either count or explain", "[hwcounters]") {
  velo::ThreadTeam team(2);
  velo::hw::TeamCounters counters(velo::hw::team_thread_ids(team));
  counters.follow_calling_thread();
  counters.start();
  team.run([](int) {
    for (int i = 0; i < 100000; ++i) asm volatile("" ::: "memory");
  });
  counters.stop();
  const velo::hw::Totals totals = counters.read();
  if (!counters.available()) {
    WARN("hardware counters unavailable here: " << counters.unavailable_reason());
    CHECK_FALSE(counters.unavailable_reason().empty());
    CHECK(counters.events().empty());
    for (auto event : velo::hw::kEvents) CHECK_FALSE(totals.total(event));
    return;
  }
  CHECK(counters.unavailable_reason().empty());
  for (auto event : counters.events()) {
    if (auto total = totals.total(event)) CHECK(*total >= 0);
  }
}

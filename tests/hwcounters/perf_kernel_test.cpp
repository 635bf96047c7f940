// The kernel half of the hardware counters: opens a group for this thread and for
// a second team member, counts a known loop and checks the counts are plausible.
// Exits 77 (skipped) where perf_event_open is refused or the CPU has no PMU, as
// liburing's tests do for missing kernel features.
#include <unistd.h>

#include <cstdio>

#include "hwcounters/perf_group.hpp"
#include "threads/thread_team.hpp"

int main() {
  constexpr int kSkip = 77;
  constexpr long kLoop = 10'000'000;
  velo::ThreadTeam team(2);
  velo::hw::TeamCounters counters(velo::hw::team_thread_ids(team));
  if (!counters.available()) {
    std::printf("SKIP: hardware counters unavailable: %s\n", counters.unavailable_reason().c_str());
    return kSkip;
  }
  counters.start();
  team.run([](int) {
    for (long i = 0; i < kLoop; ++i) asm volatile("" ::: "memory");
  });
  counters.stop();
  const auto totals = counters.read();
  int failures = 0;
  for (auto event : counters.events()) {
    const auto total = totals.total(event);
    std::printf("%s: %s\n", std::string(velo::hw::metric_name(event)).c_str(),
                total ? std::to_string(*total).c_str() : "not scheduled");
  }
  // Two threads ran the loop: at least one instruction (the loop's add) per iteration each.
  if (auto instructions = totals.total(velo::hw::Event::instructions)) {
    if (*instructions < 2.0 * kLoop) {
      std::printf("FAIL: %.0f instructions for a loop of 2 x %ld iterations\n", *instructions, kLoop);
      ++failures;
    }
  }
  if (auto cycles = totals.total(velo::hw::Event::cycles); cycles && *cycles <= 0) {
    std::printf("FAIL: no cycles counted\n");
    ++failures;
  }
  return failures == 0 ? 0 : 1;
}

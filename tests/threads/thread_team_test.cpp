#include <catch2/catch.hpp>

#include <atomic>
#include <set>
#include <thread>
#include <vector>

#include "threads/thread_team.hpp"

TEST_CASE("a team runs every member once per round", "[thread_team]") {
  for (int size : {1, 2, 3, 8}) {
    velo::ThreadTeam team(size);
    std::vector<std::atomic<int>> visits(static_cast<std::size_t>(size));
    for (int round = 0; round < 200; ++round) {
      const double seconds = team.run([&](int member) { visits[static_cast<std::size_t>(member)]++; });
      CHECK(seconds >= 0);
    }
    for (auto& v : visits) CHECK(v.load() == 200);
  }
}

TEST_CASE("member 0 is the calling thread and others are distinct", "[thread_team]") {
  velo::ThreadTeam team(4);
  std::vector<std::thread::id> ids(4);
  team.run([&](int member) { ids[static_cast<std::size_t>(member)] = std::this_thread::get_id(); });
  CHECK(ids[0] == std::this_thread::get_id());
  CHECK(std::set<std::thread::id>(ids.begin(), ids.end()).size() == 4);
}

TEST_CASE("work done in a round is visible after run returns", "[thread_team]") {
  velo::ThreadTeam team(3);
  std::vector<long> plain(3, 0);  // no atomics: the team's round is the synchronisation
  for (int round = 0; round < 100; ++round) {
    team.run([&](int member) { plain[static_cast<std::size_t>(member)] += member + 1; });
  }
  CHECK(plain == std::vector<long>{100, 200, 300});
}

TEST_CASE("share_of splits evenly and completely", "[thread_team]") {
  for (std::int64_t total : {0, 1, 5, 7, 1000}) {
    for (int parts : {1, 2, 3, 7}) {
      std::int64_t sum = 0;
      for (int m = 0; m < parts; ++m) {
        const auto share = velo::share_of(total, parts, m);
        CHECK(share >= total / parts);
        CHECK(share <= total / parts + 1);
        sum += share;
      }
      CHECK(sum == total);
    }
  }
}

namespace {
std::atomic<int> started{0};
std::atomic<int> stopped{0};
}  // namespace

TEST_CASE("thread hooks see every owned member start and stop", "[thread_team]") {
  velo::set_thread_hooks({[](int, const char*) { started++; }, [](int) { stopped++; }});
  { velo::ThreadTeam team(3); team.run([](int) {}); }
  velo::set_thread_hooks({});
  CHECK(started.load() == 2);
  CHECK(stopped.load() == 2);
}

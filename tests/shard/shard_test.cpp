// Sharding and merging: --shard parsing, the assignment's properties (every case in
// exactly one shard, balanced, independent of input order), and merge's checks.
#include <catch2/catch.hpp>

#include <algorithm>
#include <map>
#include <set>

#include "../report/sample_report.hpp"
#include "shard/merge.hpp"
#include "shard/shard.hpp"

using velo::shard::ShardSpec;

namespace {

std::vector<std::string> ids_of(int n) {
  std::vector<std::string> ids;
  for (int i = 0; i < n; ++i) ids.push_back(fmt::format("fam/v{}/k={}", i % 7, i));
  return ids;
}

// The sample report split into `count` shard reports, as `velo run --shard` writes them.
std::vector<velo::shard::NamedReport> split(const velo::report::Report& whole, int count) {
  std::vector<std::string> ids;
  for (const auto& c : whole.cases) ids.push_back(c.spec.id);
  const auto shard_of = velo::shard::assign(ids, {}, count);
  std::vector<velo::shard::NamedReport> out;
  for (int s = 0; s < count; ++s) {
    velo::shard::NamedReport part{fmt::format("shard{}.json", s + 1), whole};
    part.report.cases.clear();
    for (std::size_t i = 0; i < whole.cases.size(); ++i) {
      if (shard_of[i] == s) part.report.cases.push_back(whole.cases[i]);
    }
    part.report.request.shard = {{"index", s + 1}, {"count", count}, {"total_cases", whole.cases.size()}};
    out.push_back(std::move(part));
  }
  return out;
}

std::set<std::string> case_ids(const velo::report::Report& r) {
  std::set<std::string> out;
  for (const auto& c : r.cases) out.insert(c.spec.id);
  return out;
}

}  // namespace

TEST_CASE("--shard I/N parsing", "[shard]") {
  CHECK(*velo::shard::parse_shard("1/1") == ShardSpec{1, 1});
  CHECK(*velo::shard::parse_shard("3/8") == ShardSpec{3, 8});
  for (const char* bad : {"", "1", "0/2", "3/2", "1/0", "a/2", "1/2/3", "-1/2", "1/ 2", "1/99999"}) {
    INFO(bad);
    auto parsed = velo::shard::parse_shard(bad);
    REQUIRE_FALSE(parsed.ok());
    CHECK(parsed.error().message.starts_with("--shard: expected I/N"));
  }
}

TEST_CASE("every case lands in exactly one shard; counts differ by at most one", "[shard]") {
  for (int n : {0, 1, 5, 23, 100}) {
    for (int count : {1, 2, 3, 7, 150}) {
      const auto ids = ids_of(n);
      const auto shard_of = velo::shard::assign(ids, {}, count);
      REQUIRE(shard_of.size() == ids.size());
      std::vector<int> sizes(static_cast<std::size_t>(count), 0);
      for (int s : shard_of) {
        REQUIRE(s >= 0);
        REQUIRE(s < count);
        ++sizes[static_cast<std::size_t>(s)];
      }
      const auto [lo, hi] = std::minmax_element(sizes.begin(), sizes.end());
      CHECK(*hi - *lo <= 1);
    }
  }
}

TEST_CASE("the assignment does not depend on the order cases are listed in", "[shard]") {
  auto ids = ids_of(40);
  std::map<std::string, double> durations;
  for (std::size_t i = 0; i < ids.size(); i += 2) durations[ids[i]] = 0.1 * static_cast<double>(i % 9 + 1);
  const auto first = velo::shard::assign(ids, durations, 4);
  std::map<std::string, int> by_id;
  for (std::size_t i = 0; i < ids.size(); ++i) by_id[ids[i]] = first[i];
  std::reverse(ids.begin(), ids.end());
  const auto second = velo::shard::assign(ids, durations, 4);
  for (std::size_t i = 0; i < ids.size(); ++i) CHECK(second[i] == by_id[ids[i]]);
}

TEST_CASE("durations balance the load: no shard exceeds the mean by more than one case", "[shard]") {
  const auto ids = ids_of(30);
  std::map<std::string, double> durations;
  double total = 0, longest = 0;
  for (std::size_t i = 0; i < ids.size(); ++i) {
    const double seconds = i < 3 ? 20.0 : 1.0 + static_cast<double>(i % 5);
    durations[ids[i]] = seconds;
    total += seconds;
    longest = std::max(longest, seconds);
  }
  const int count = 4;
  const auto shard_of = velo::shard::assign(ids, durations, count);
  std::vector<double> load(count, 0.0);
  for (std::size_t i = 0; i < ids.size(); ++i) load[static_cast<std::size_t>(shard_of[i])] += durations[ids[i]];
  for (double l : load) CHECK(l <= total / count + longest);
  // The three long cases go to three different shards.
  CHECK(std::set<int>{shard_of[0], shard_of[1], shard_of[2]}.size() == 3);
}

TEST_CASE("merge restores the whole report from its shards", "[shard]") {
  const auto whole = velo::testing::sample_report();
  auto shards = split(whole, 3);
  std::reverse(shards.begin(), shards.end());  // given in any order
  auto merged = velo::shard::merge(shards, false);
  INFO((merged.ok() ? "" : merged.error().describe()));
  REQUIRE(merged.ok());
  CHECK(case_ids(*merged) == case_ids(whole));
  CHECK(merged->cases.size() == whole.cases.size());
  CHECK(merged->request.shard.is_null());
  CHECK(merged->request.merged_shards == 3);
  CHECK(merged->complete == whole.complete);
  CHECK(merged->notes == whole.notes);
  // Scenario order is kept: counters cases before mailbox cases before mystery.
  CHECK(merged->cases.front().spec.scenario == "counters");
  CHECK(merged->cases.back().spec.scenario == "mystery");
}

TEST_CASE("merge refuses incomplete, overlapping and foreign shards", "[shard]") {
  const auto whole = velo::testing::sample_report();
  SECTION("a shard missing") {
    auto shards = split(whole, 3);
    shards.erase(shards.begin() + 1);
    auto merged = velo::shard::merge(shards, false);
    REQUIRE_FALSE(merged.ok());
    CHECK(merged.error().message.find("shard(s) 2/3 missing") != std::string::npos);
  }
  SECTION("a shard twice") {
    auto shards = split(whole, 2);
    shards.push_back(shards[0]);
    REQUIRE_FALSE(velo::shard::merge(shards, true).ok());
  }
  SECTION("a case in two shards") {
    auto shards = split(whole, 2);
    shards[1].report.cases.push_back(shards[0].report.cases[0]);
    auto merged = velo::shard::merge(shards, true);
    REQUIRE_FALSE(merged.ok());
    CHECK(merged.error().message.find("must not overlap") != std::string::npos);
    CHECK(merged.error().where.file == "shard2.json");
  }
  SECTION("a case lost") {
    auto shards = split(whole, 2);
    shards[1].report.cases.pop_back();
    auto merged = velo::shard::merge(shards, false);
    REQUIRE_FALSE(merged.ok());
    CHECK(merged.error().message.find("suite they were split from has") != std::string::npos);
  }
  SECTION("another machine, unless forced") {
    auto shards = split(whole, 2);
    shards[1].report.environment.hostname = "elsewhere";
    auto merged = velo::shard::merge(shards, false);
    REQUIRE_FALSE(merged.ok());
    CHECK(merged.error().message.find("another machine") != std::string::npos);
    CHECK(velo::shard::merge(shards, true).ok());
  }
  SECTION("another build, unless forced") {
    auto shards = split(whole, 2);
    shards[0].report.environment.compiler_flags = "-O0";
    REQUIRE_FALSE(velo::shard::merge(shards, false).ok());
    CHECK(velo::shard::merge(shards, true).ok());
  }
  SECTION("shards of different splits") {
    auto a = split(whole, 2);
    auto b = split(whole, 3);
    REQUIRE_FALSE(velo::shard::merge({a[0], b[1]}, true).ok());
  }
  SECTION("a malformed shard setting") {
    auto shards = split(whole, 2);
    shards[0].report.request.shard = "one of two";
    auto merged = velo::shard::merge(shards, false);
    REQUIRE_FALSE(merged.ok());
    CHECK(merged.error().where.file == "shard1.json");
  }
  SECTION("paired reports") {
    auto shards = split(whole, 2);
    shards[0].report.pairing = velo::report::Pairing{"0123456789abcdef", "head"};
    REQUIRE_FALSE(velo::shard::merge(shards, true).ok());
  }
}

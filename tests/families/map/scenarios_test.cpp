// The map family's shipped scenario files load and expand against velo's registry.
#include <catch2/catch.hpp>

#include <set>
#include <string>

#include "families/family.hpp"
#include "scenario/scenario.hpp"

namespace {

const std::string source_root = VELO_SOURCE_ROOT;

std::size_t case_count(const std::string& file, std::set<std::string>* ids = nullptr) {
  auto scenarios = velo::load_scenarios({source_root + "/scenarios/" + file}, velo::registry());
  INFO(file << ": " << (scenarios ? std::string() : scenarios.error().describe()));
  REQUIRE(scenarios.ok());
  REQUIRE(scenarios->front().content.rfind("#", 0) == 0);  // starts with what it measures
  auto cases = velo::expand_cases(*scenarios, {}, velo::registry());
  INFO((cases ? std::string() : cases.error().describe()));
  REQUIRE(cases.ok());
  if (ids) {
    for (const auto& c : *cases) ids->insert(c.id);
  }
  return cases->size();
}

}  // namespace

TEST_CASE("the shipped map scenarios are valid", "[map][scenario]") {
  std::set<std::string> ids;
  // threads 1,2 x keys 1e3,1e6 x three mixes x two distributions x nine variants
  CHECK(case_count("map.toml", &ids) == 2 * 2 * 3 * 2 * 9);
  CHECK(ids.count("map/sync_map_go1_23/distribution=zipf,keys=1000,mix=99-1-0,threads=2") == 1);
  CHECK(ids.count("map/sync_map_trie/distribution=zipf,keys=1000,mix=99-1-0,threads=2") == 1);
  // threads 1,2,4,8 x three mixes x two distributions x eight variants
  CHECK(case_count("map-threads.toml") == 4 * 3 * 2 * 8);
  // threads 1,2 x two mixes x five variants
  CHECK(case_count("quick/map.toml") == 2 * 2 * 5);
}

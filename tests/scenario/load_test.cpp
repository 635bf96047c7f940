#include <algorithm>
// Loading files, directories and the quick suite compiled into the binary.
#include <catch2/catch.hpp>

#include <fstream>
#include <iterator>
#include <set>

#include "core/text.hpp"
#include "fake_family.hpp"

using velo::testing::test_registry;

namespace {

const std::string source_root = VELO_SOURCE_ROOT;
const std::string fixtures = source_root + "/tests/data/scenarios";

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  REQUIRE(in);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::vector<velo::Case> expand_all(const std::vector<velo::Scenario>& scenarios) {
  auto cases = velo::expand_cases(scenarios, {}, velo::registry());
  INFO((cases ? std::string() : cases.error().describe()));
  REQUIRE(cases.ok());
  return *cases;
}

}  // namespace

TEST_CASE("a file loads with its path and exact bytes", "[scenario][load]") {
  const std::string path = fixtures + "/suite/b.toml";
  auto loaded = velo::load_scenario_file(path, test_registry());
  REQUIRE(loaded.ok());
  CHECK(loaded->path == path);
  CHECK(loaded->content == read_file(path));
  CHECK(loaded->name == "suite-b");
}

TEST_CASE("a missing file or a directory given as a file is an error", "[scenario][load][errors]") {
  auto missing = velo::load_scenario_file(fixtures + "/nope.toml", test_registry());
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().message == "no such scenario file");
  CHECK(missing.error().where.file == fixtures + "/nope.toml");
  auto directory = velo::load_scenario_file(fixtures, test_registry());
  REQUIRE_FALSE(directory.ok());
  CHECK(directory.error().message == "is a directory, not a scenario file: velo reads only regular files");

  auto listed = velo::load_scenarios({fixtures + "/nope.toml"}, test_registry());
  REQUIRE_FALSE(listed.ok());
  CHECK(listed.error().message == "no such scenario file or directory");
  CHECK(listed.error().where.file == fixtures + "/nope.toml");
}

TEST_CASE("a directory loads its own *.toml files, sorted, each file once", "[scenario][load]") {
  // suite/nested/a.toml is not loaded: subdirectories (like scenarios/quick/) are separate suites.
  auto loaded = velo::load_scenarios({fixtures + "/suite", fixtures + "/suite/b.toml"}, test_registry());
  INFO((loaded ? std::string() : loaded.error().describe()));
  REQUIRE(loaded.ok());
  REQUIRE(loaded->size() == 1);
  CHECK((*loaded)[0].path == fixtures + "/suite/b.toml");
  auto nested = velo::load_scenarios({fixtures + "/suite/nested"}, test_registry());
  REQUIRE(nested.ok());
  CHECK((*nested)[0].name == "suite-nested-a");
}

TEST_CASE("a directory without scenario files is an error", "[scenario][load][errors]") {
  auto loaded = velo::load_scenarios({source_root + "/tools"}, test_registry());
  REQUIRE_FALSE(loaded.ok());
  CHECK(loaded.error().message == "no scenario files (*.toml) in this directory");
}

TEST_CASE("two files with the same scenario name are refused", "[scenario][load][errors]") {
  auto loaded = velo::load_scenarios({fixtures + "/same_name"}, test_registry());
  REQUIRE_FALSE(loaded.ok());
  CHECK(loaded.error().message == "scenario name 'twin' is already used by " + fixtures +
                                      "/same_name/one.toml; scenario names must be unique");
  CHECK(loaded.error().where.file == fixtures + "/same_name/two.toml");
  CHECK(loaded.error().where.line == 3);
  CHECK(loaded.error().where.column == 8);
}

TEST_CASE("the built-in quick suite loads and expands against velo's registry", "[scenario][load][builtin]") {
  auto suite = velo::load_builtin_quick_suite(velo::registry());
  INFO((suite ? std::string() : suite.error().describe()));
  REQUIRE(suite.ok());
  REQUIRE_FALSE(suite->empty());
  std::set<std::string> names;
  for (const auto& scenario : *suite) {
    CHECK(scenario.path.rfind("<builtin>/quick/", 0) == 0);
    CHECK(scenario.content.rfind("#", 0) == 0);  // starts with the comment saying what it measures
    names.insert(scenario.name);
  }
  CHECK(names.size() == suite->size());

  const auto found = std::find_if(suite->begin(), suite->end(),
                                  [](const velo::Scenario& s) { return s.path == "<builtin>/quick/counters.toml"; });
  REQUIRE(found != suite->end());
  const velo::Scenario& counters = *found;
  CHECK(counters.path == "<builtin>/quick/counters.toml");
  // Embedded byte for byte: the same content hash as the file in the source tree.
  CHECK(velo::content_hash(counters.content) ==
        velo::content_hash(read_file(source_root + "/scenarios/quick/counters.toml")));
  CHECK(counters.repetitions == 5);
  CHECK(counters.min_time_s == Approx(0.02));

  const auto cases = expand_all(*suite);
  std::set<std::string> ids;
  for (const auto& c : cases) ids.insert(c.id);
  CHECK(ids.size() == cases.size());
  CHECK(ids.count("counters/atomic/increments=100,threads=2") == 1);
  std::size_t counter_cases = 0;
  for (const auto& c : cases) counter_cases += c.family == "counters";
  CHECK(counter_cases == 2 * 6);  // threads 1,2 x six implementations
}

TEST_CASE("the shipped full counters study is valid", "[scenario][load]") {
  auto study = velo::load_scenarios({source_root + "/scenarios/counters.toml"}, velo::registry());
  INFO((study ? std::string() : study.error().describe()));
  REQUIRE(study.ok());
  const auto cases = expand_all(*study);
  CHECK(cases.size() == 3 * 2 * 7);  // threads 1,2,4 x increments 1,100 x seven variants
  std::set<std::string> impls;
  for (const auto& c : cases) impls.insert(c.impl);
  CHECK(impls.size() == 6);
  CHECK(cases.front().id == "counters/atomic/increments=1,threads=1");
  CHECK(cases.front().baseline);
}

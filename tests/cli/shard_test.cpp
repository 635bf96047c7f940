// `velo run --shard I/N` and `velo merge` end to end: two shards of a small suite
// hold every case once, merge back into the whole, and a missing shard or a bad
// --shard is refused with exit 2.
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <set>

#include "velo_process.hpp"

using namespace clitest;

namespace {

std::set<std::string> case_ids(const fs::path& report) {
  std::set<std::string> out;
  const auto doc = nlohmann::json::parse(slurp(report));  // kept: the loop must not range over a temporary's member
  for (const auto& c : doc["cases"]) out.insert(c["id"].get<std::string>());
  return out;
}

}  // namespace

TEST_CASE("two shards cover the suite once and merge back", "[cli][shard]") {
  const fs::path dir = make_scratch_dir("shard");
  const std::string scenario = test_data("cli", "counters-small.toml");
  for (const char* shard : {"1/2", "2/2"}) {
    const std::string out = (dir / fmt::format("s{}.json", shard[0])).string();
    auto run = run_velo({"run", scenario, "--shard", shard, "-q", "--format", "csv", "-o", out}, {.scratch = dir});
    INFO(run.err);
    REQUIRE(run.exit_code == 0);
  }
  const auto one = case_ids(dir / "s1.json"), two = case_ids(dir / "s2.json");
  CHECK(one.size() == 2);
  CHECK(two.size() == 2);
  for (const auto& id : one) CHECK(two.count(id) == 0);

  auto merged = run_velo({"merge", (dir / "s2.json").string(), (dir / "s1.json").string(), "-o",
                          (dir / "all.json").string()},
                         {.scratch = dir});
  INFO(merged.err);
  REQUIRE(merged.exit_code == 0);
  auto all = case_ids(dir / "all.json");
  CHECK(all.size() == 4);
  for (const auto& id : one) CHECK(all.count(id) == 1);
  for (const auto& id : two) CHECK(all.count(id) == 1);

  auto missing = run_velo({"merge", (dir / "s1.json").string(), "-o", (dir / "part.json").string()}, {.scratch = dir});
  CHECK(missing.exit_code == 2);
  CHECK(contains(missing.err, "shard(s) 2/2 missing"));
  CHECK_FALSE(fs::exists(dir / "part.json"));

  auto bad = run_velo({"run", scenario, "--shard", "3/2", "-q"}, {.scratch = dir});
  CHECK(bad.exit_code == 2);
  CHECK(contains(bad.err, "--shard: expected I/N"));
}

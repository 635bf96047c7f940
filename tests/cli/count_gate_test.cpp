// `velo gate` and `velo compare` end to end on hand-made reports of counted cases
// (tests/data/gate/make_count_fixtures.py says what each holds): counts identical in
// every repetition, and counts that differ between repetitions but repeat repetition
// by repetition (docs/deterministic.md, "Gating on counts"). Never measures anything.
#include <catch2/catch.hpp>

#include <sys/wait.h>

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "velo_process.hpp"

namespace fs = std::filesystem;

namespace {

using namespace clitest;

fs::path scratch_dir() {
  static const fs::path dir = make_scratch_dir("count-gate-test");
  return dir;
}

Outcome velo(const std::string& command, const std::string& head, std::vector<std::string> extra = {}) {
  std::vector<std::string> args{command, test_data("gate", "counts-base.json"), test_data("gate", head)};
  args.insert(args.end(), extra.begin(), extra.end());
  return run_velo(args, {.scratch = scratch_dir(), .no_color = true});
}

// The `test` of each case's instructions_per_op in `velo compare --format json`, by case id.
std::map<std::string, std::string> tests_of(const std::string& head) {
  const auto result = velo("compare", head, {"--format", "json"});
  REQUIRE(result.exit_code == 0);
  std::map<std::string, std::string> tests;
  const auto json = nlohmann::json::parse(result.out);
  for (const auto& c : json.at("cases")) {
    tests[c.at("id").get<std::string>()] = c.at("metrics").at("instructions_per_op").at("test").get<std::string>();
  }
  return tests;
}

const std::string kSyncMap = "map/sync_map_go1_23/keys=1000,mix=50-45-5,threads=1";
const std::string kNewDelete = "pool/new_delete/object_bytes=4KiB,threads=1";
const std::string kAtomic = "counters/atomic/increments=100,threads=1";

}  // namespace

TEST_CASE("gate on counts: the same sequences pass, compared exactly", "[gate][counts]") {
  const auto result = velo("gate", "counts-head-same.json");
  INFO(result.out << result.err);
  CHECK(result.exit_code == 0);
  CHECK(contains(result.out, "gate passed: 0 regressions, 0 improvements, 3 unchanged"));
  CHECK_FALSE(contains(result.out, "too few samples"));
  const auto tests = tests_of("counts-head-same.json");
  CHECK(tests.at(kSyncMap) == "exact_by_repetition");
  CHECK(tests.at(kNewDelete) == "exact_by_repetition");
  CHECK(tests.at(kAtomic) == "exact_count");
}

TEST_CASE("gate on counts: +1% in every repetition fails, with 2 repetitions and 1 fork", "[gate][counts]") {
  const auto result = velo("gate", "counts-head-1pct.json", {"--format", "json"});
  INFO(result.out << result.err);
  CHECK(result.exit_code == 1);
  const auto json = nlohmann::json::parse(result.out);
  CHECK(json.at("regressions") == 3);
  std::map<std::string, nlohmann::json> findings;
  for (const auto& f : json.at("findings")) findings[f.at("id").get<std::string>()] = f;
  CHECK(findings.at(kSyncMap).at("kind") == "regression");
  CHECK(findings.at(kSyncMap).value("by_repetition", false));
  CHECK(findings.at(kNewDelete).value("by_repetition", false));
  CHECK(findings.at(kAtomic).at("exact") == true);
  CHECK_FALSE(findings.at(kAtomic).value("by_repetition", false));
  // The Markdown summary names the comparison.
  const auto md = velo("gate", "counts-head-1pct.json", {"--format", "markdown"});
  CHECK(contains(md.out, "599.556 → 605.552 instr | **+1.00%** | limit 0.50% (count threshold), exact counts "
                         "repetition by repetition"));
}

TEST_CASE("gate on counts: +0.3% in every repetition passes under the count threshold", "[gate][counts]") {
  const auto result = velo("gate", "counts-head-small.json");
  INFO(result.out << result.err);
  CHECK(result.exit_code == 0);
  CHECK(tests_of("counts-head-small.json").at(kSyncMap) == "exact_by_repetition");
  // A finer threshold catches it.
  CHECK(velo("gate", "counts-head-small.json", {"--count-threshold", "0.2%"}).exit_code == 1);
}

TEST_CASE("gate on counts: pairs that disagree, or cannot be paired, fall back to the test", "[gate][counts]") {
  const auto mixed = velo("gate", "counts-head-mixed.json");
  INFO(mixed.out << mixed.err);
  CHECK(mixed.exit_code == 0);  // 2 + 2 samples: the test cannot reach significance
  CHECK(contains(mixed.out, "too few samples to ever be significant"));
  CHECK(tests_of("counts-head-mixed.json").at(kSyncMap) == "mann_whitney");
  const auto three = velo("gate", "counts-head-3reps.json");
  INFO(three.out << three.err);
  CHECK(three.exit_code == 0);
  CHECK(contains(three.out, "ran a different number of repetitions"));
  CHECK(tests_of("counts-head-3reps.json").at(kSyncMap) == "mann_whitney");
}

TEST_CASE("gate on counts: the text lines show counts in full and no p-value", "[gate][counts]") {
  const auto result = velo("gate", "counts-head-1pct.json");
  INFO(result.out << result.err);
  CHECK(contains(result.out, "regression   " + kSyncMap + " instructions_per_op: 599.556 -> 605.552 instr (+1.00%, "
                             "limit 0.50% from count threshold, exact counts repetition by repetition)"));
  CHECK(contains(result.out, "regression   " + kAtomic + " instructions_per_op: 11.196 -> 11.308 instr (+1.00%, "
                             "limit 0.50% from count threshold, exact counts)"));
}

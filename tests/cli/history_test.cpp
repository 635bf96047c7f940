// `velo history` end to end: add (twice: a no-op), list, show, export (the exported
// file is the same report: adding it again is a no-op), changes on a synthetic
// history with a known step, and bad input (exit 2, nothing stored).
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <cmath>

#include "velo_process.hpp"

using namespace clitest;

namespace {

const std::string kCase = "counters/atomic/increments=100,threads=1";

struct History {
  fs::path dir;
  std::string db;
  explicit History(const std::string& name) : dir(make_scratch_dir(name)), db((dir / "h.db").string()) {}
  Outcome velo(std::vector<std::string> args) {
    args.insert(args.begin() + 2, {"--db", db});  // after "history <sub>"
    return run_velo(args, {.scratch = dir});
  }
};

// base.json with commit `commit`, started at minute `minute`, and ns_per_op scaled.
std::string write_variant(const fs::path& dir, int index, double scale) {
  auto doc = nlohmann::ordered_json::parse(slurp(test_data("gate", "base.json")));
  doc["started_at"] = fmt::format("2026-11-{:02}T{:02}:00:00Z", 1 + index / 24, index % 24);
  doc["provenance"]["git_commit"] = fmt::format("commit{:03}", index);
  for (auto& c : doc["cases"]) {
    for (auto& x : c["metrics"]["ns_per_op"]["samples"]) {
      // A deterministic wobble of about 0.5% per commit, then the step.
      x = x.get<double>() * scale * (1 + 0.005 * std::sin(index * 2.3));
    }
  }
  const fs::path path = dir / fmt::format("r{:03}.json", index);
  std::ofstream(path) << doc.dump(2);
  return path.string();
}

}  // namespace

TEST_CASE("history add, list, show, export", "[cli][history]") {
  History h("history-basic");
  const std::string base = test_data("gate", "base.json");
  const std::string head = test_data("gate", "head-regress.json");

  auto added = h.velo({"history", "add", base, head, "--branch", "main"});
  INFO(added.err);
  REQUIRE(added.exit_code == 0);
  CHECK(contains(added.out, "as report 1"));
  CHECK(contains(added.out, "as report 2"));

  auto again = h.velo({"history", "add", base});
  CHECK(again.exit_code == 0);
  CHECK(contains(again.out, "already stored as report 1"));

  auto list = h.velo({"history", "list"});
  CHECK(list.exit_code == 0);
  CHECK(contains(list.out, "2 report(s)"));
  CHECK(contains(list.out, "main"));

  auto show = h.velo({"history", "show", kCase, "--metric", "ns_per_op"});
  CHECK(show.exit_code == 0);
  CHECK(contains(show.out, kCase));
  CHECK(contains(show.out, "ns_per_op"));
  CHECK_FALSE(contains(show.out, "ops_per_s"));

  const std::string exported = (h.dir / "exported.json").string();
  auto out = h.velo({"history", "export", "1", "-o", exported});
  CHECK(out.exit_code == 0);
  auto readd = h.velo({"history", "add", exported});
  CHECK(readd.exit_code == 0);
  CHECK(contains(readd.out, "already stored as report 1"));

  auto missing = h.velo({"history", "show", "no/such/case"});
  CHECK(missing.exit_code == 2);
  CHECK(contains(missing.err, "no results for case 'no/such/case'"));
  CHECK(h.velo({"history", "export", "99"}).exit_code == 2);
}

TEST_CASE("history add refuses a bad report and stores nothing", "[cli][history]") {
  History h("history-bad");
  auto bad = h.velo({"history", "add", test_data("gate", "base.json"), test_data("gate", "truncated.json")});
  CHECK(bad.exit_code == 2);
  CHECK(contains(bad.err, "truncated.json"));
  CHECK_FALSE(fs::exists(h.db));  // nothing was read successfully enough to open the store

  auto none = h.velo({"history", "list"});
  CHECK(none.exit_code == 2);
  CHECK(contains(none.err, "no history database at"));
  CHECK_FALSE(fs::exists(h.db));
}

TEST_CASE("history changes finds a known step at its commit", "[cli][history]") {
  History h("history-changes");
  std::vector<std::string> args = {"history", "add", "-q"};
  for (int i = 0; i < 40; ++i) args.push_back(write_variant(h.dir, i, i < 25 ? 1.0 : 1.10));
  auto added = h.velo(args);
  INFO(added.err);
  REQUIRE(added.exit_code == 0);

  auto changes = h.velo({"history", "changes", "--case", "^counters/atomic/", "--metric", "ns_per_op"});
  INFO(changes.out);
  CHECK(changes.exit_code == 0);
  CHECK(contains(changes.out, "change at commit025"));
  CHECK(contains(changes.out, "after commit024"));
  CHECK(contains(changes.out, "worse"));
  CHECK(contains(changes.out, "1 change(s) in 1 series"));

  auto bad_regex = h.velo({"history", "changes", "--case", "("});
  CHECK(bad_regex.exit_code == 2);
  auto too_few = h.velo({"history", "changes", "--permutations", "10"});
  CHECK(too_few.exit_code == 2);
  CHECK(contains(too_few.err, "cannot reach"));
}

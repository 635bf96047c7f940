// `velo history` end to end: add (twice: a no-op), list, show, export (the exported
// file is the same report: adding it again is a no-op), changes on a synthetic
// history with a known step, its trend page (`history html`), and bad input (exit 2,
// nothing stored or written).
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

TEST_CASE("history html draws the series with the change at its commit, commits linked", "[cli][history][html]") {
  History h("history-html");
  std::vector<std::string> args = {"history", "add", "-q"};
  for (int i = 0; i < 30; ++i) args.push_back(write_variant(h.dir, i, i < 15 ? 1.0 : 1.10));
  REQUIRE(h.velo(args).exit_code == 0);

  const fs::path page = h.dir / "trends.html";
  auto html = h.velo({"history", "html", "--case", "^counters/atomic/", "--metric", "ns_per_op", "-o", page.string(),
                      "--commit-url", "https://example.org/velo/commit/{commit}"});
  INFO(html.err);
  REQUIRE(html.exit_code == 0);
  CHECK(contains(html.err, "1 change(s)"));
  const std::string text = slurp(page.string());
  const std::string open = "<script type=\"application/json\" id=\"velo-data\">";
  const auto begin = text.find(open);
  REQUIRE(begin != std::string::npos);
  const auto data = nlohmann::json::parse(text.substr(begin + open.size(), text.find("</script>", begin) - begin - open.size()));
  CHECK(data["kind"] == "history");
  CHECK(data["commit_url"] == "https://example.org/velo/commit/{commit}");
  REQUIRE(data["series"].size() == 1);
  const auto& s = data["series"][0];
  CHECK(s["case"] == kCase);
  CHECK(s["metric"] == "ns_per_op");
  CHECK(s["points"].size() == 30);
  REQUIRE(s["changes"].size() == 1);
  CHECK(s["changes"][0]["index"] == 15);
  CHECK(s["changes"][0]["commit"] == "commit015");
  CHECK(s["changes"][0]["previous_commit"] == "commit014");
  CHECK(s["changes"][0]["verdict"] == "worse");

  SECTION("bad input: exit 2, nothing written") {
    const fs::path other = h.dir / "other.html";
    auto bad_url = h.velo({"history", "html", "-o", other.string(), "--commit-url", "javascript:alert({commit})"});
    CHECK(bad_url.exit_code == 2);
    CHECK(contains(bad_url.err, "--commit-url: expected an http(s) URL"));
    auto no_placeholder = h.velo({"history", "html", "-o", other.string(), "--commit-url", "https://example.org/"});
    CHECK(no_placeholder.exit_code == 2);
    auto none = h.velo({"history", "html", "-o", other.string(), "--metric", "no_such_metric"});
    CHECK(none.exit_code == 2);
    CHECK(contains(none.err, "no series in"));
    CHECK_FALSE(fs::exists(other));
    auto device = h.velo({"history", "html", "-o", "/dev/null"});  // written in place, never replaced
    CHECK(device.exit_code == 0);
    CHECK(fs::is_character_file("/dev/null"));
  }
}

TEST_CASE("gate --history: a regression fails, the same level passes, summary and JSON", "[cli][history][gate]") {
  History h("history-gate");
  std::vector<std::string> args = {"history", "add", "-q", "--branch", "main"};
  for (int i = 0; i < 30; ++i) args.push_back(write_variant(h.dir, i, 1.0));
  REQUIRE(h.velo(args).exit_code == 0);
  const std::string slow = write_variant(h.dir, 30, 1.25);
  const std::string same = write_variant(h.dir, 31, 1.0);
  auto gate = [&](std::vector<std::string> extra) {
    std::vector<std::string> argv = {"gate", "--history", h.db};
    argv.insert(argv.end(), extra.begin(), extra.end());
    return run_velo(argv, {.scratch = h.dir});
  };

  const fs::path summary = h.dir / "summary.md";
  auto regressed = gate({slow, "--branch", "main", "--filter", "^counters/atomic/", "--summary", summary.string()});
  INFO(regressed.out << regressed.err);
  CHECK(regressed.exit_code == 1);
  CHECK(contains(regressed.out, "regression   " + kCase));
  CHECK(contains(regressed.out, "outside their range"));
  CHECK(contains(regressed.out, "1 regression(s) among 1 judged series"));
  const std::string markdown = slurp(summary.string());
  CHECK(contains(markdown, "## velo gate --history: failed"));
  CHECK(contains(markdown, "| regression | `" + kCase + "` | ns_per_op |"));

  auto passed = gate({same, "--branch", "main", "--format", "json"});
  CHECK(passed.exit_code == 0);
  const auto json = nlohmann::json::parse(passed.out);
  CHECK(json["kind"] == "history_gate");
  CHECK(json["passed"] == true);
  CHECK(json["regressions"] == 0);
  CHECK(json["judged"].get<int>() >= 1);
  CHECK(json["series"][0]["points"] == 30);

  // Too little history: no verdict, exit 0 with a warning.
  auto other_branch = gate({slow, "--branch", "release"});
  CHECK(other_branch.exit_code == 0);
  CHECK(contains(other_branch.out, "no verdict"));
  CHECK(contains(other_branch.err, "no series had enough history"));

  SECTION("options of the two-report gate are refused, not ignored") {
    for (const std::vector<std::string> extra : {std::vector<std::string>{"--html", "x.html"},
                                                 {"--gate-file", "g.toml"},
                                                 {"--min-change", "1%"},
                                                 {"--format", "csv"},
                                                 {"--sigmas", "0"}}) {
      std::vector<std::string> argv = {slow};
      argv.insert(argv.end(), extra.begin(), extra.end());
      auto refused = gate(argv);
      INFO(extra[0]);
      CHECK(refused.exit_code == 2);
    }
    CHECK_FALSE(fs::exists(h.dir / "x.html"));
  }
}

// `velo run --profile` end to end, through the real binary: the folded files the
// parent writes (per case and merged), the statistics in the report, the
// precedence of the command line over a scenario's [profile] table, and bad
// input. Asserts what was sampled, never how fast anything ran.
//
// In a build without the profiler (profiler::available() is false) the cases
// must still run, and the report must say why there is no profile.
#include <catch2/catch.hpp>

#include <sys/wait.h>
#include <fcntl.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "profiler/folded.hpp"
#include "profiler/profiler.hpp"
#include "velo_process.hpp"

namespace fs = std::filesystem;
using velo::profiler::FoldedStacks;

namespace {

using namespace clitest;

std::string data(const std::string& name) { return test_data("cli", name); }

fs::path scratch_dir() {
  static const fs::path dir = make_scratch_dir("profile-test");
  return dir;
}

// Runs velo with `args` in the scratch directory.
Outcome run_velo(const std::vector<std::string>& args) {
  return clitest::run_velo(args, {.scratch = scratch_dir(), .chdir_to_scratch = true});
}

bool any_note_contains(const nlohmann::json& report, const std::string& needle) {
  for (const auto& note : report["notes"]) {
    if (contains(note.get<std::string>(), needle)) return true;
  }
  return false;
}

FoldedStacks read_folded(const fs::path& path) {
  REQUIRE(fs::exists(path));
  auto parsed = FoldedStacks::parse(slurp(path), path.string());
  INFO((parsed.ok() ? "" : parsed.error().describe()));
  REQUIRE(parsed.ok());
  return *parsed;
}

// A ThreadSanitizer build of velo records only the interrupted pc (see
// docs/profiling.md, "Sanitizers"): at -O0 that is an atomic or TSAN runtime
// function, not the family's code, so callers cannot be asserted there.
#if defined(__SANITIZE_THREAD__)
constexpr bool kLeafOnly = true;
#else
constexpr bool kLeafOnly = false;
#endif

// Some stack has a frame naming a function of the counters family.
bool has_counters_frame(const FoldedStacks& stacks) {
  if (kLeafOnly) return !stacks.empty();
  for (const auto& [stack, count] : stacks.stacks()) {
    if (contains(stack, "counters::")) return true;
  }
  return false;
}

// The checks every profiled case passes; returns its stacks.
FoldedStacks check_profiled_case(const nlohmann::json& c, const std::string& mode, int hz) {
  INFO(c.dump(2));
  REQUIRE(c["status"] == "ok");
  REQUIRE(c["details"].contains("profile"));
  const auto& profile = c["details"]["profile"];
  CHECK(profile["mode"] == mode);
  CHECK(profile["hz"] == hz);
  CHECK_FALSE(profile.contains("folded"));  // the stacks live in files, not in the report
  const auto& stats = profile["stats"];
  for (const char* key : {"samples", "weighted_samples", "overruns", "lost_buffer_full", "lost_unwind", "threads"}) {
    CHECK(stats[key].is_number_unsigned());
  }
  CHECK(stats["effective_hz"].is_number());
  CHECK(stats["threads"].get<int>() >= c["params"]["threads"].get<int>());
  CHECK(stats["samples"].get<std::uint64_t>() > 0);
  const FoldedStacks stacks = read_folded(scratch_dir() / profile["folded_file"].get<std::string>());
  CHECK(stacks.total() == stats["weighted_samples"].get<std::uint64_t>());
  return stacks;
}

}  // namespace

TEST_CASE("--profile writes per-case and merged folded stacks and records the statistics", "[cli][profile]") {
  const std::string dir = "profiles-cpu";
  const fs::path report = scratch_dir() / "profile-cpu.json";
  for (const bool isolate : {true, false}) {
    DYNAMIC_SECTION((isolate ? "in workers" : "with --no-isolate")) {
      fs::remove_all(scratch_dir() / dir);
      std::vector<std::string> args = {"run", data("counters-small.toml"), "--out", report.string(),
                                       "--filter", "threads=2", "--repetitions", "1", "--min-time", "300ms",
                                       "--profile", "--profile-hz", "499", "--profile-dir", dir};
      if (!isolate) args.push_back("--no-isolate");
      auto run = run_velo(args);
      INFO(run.err);
      REQUIRE(run.exit_code == 0);
      const auto json = nlohmann::json::parse(slurp(report));
      REQUIRE(json["cases"].size() == 2);
      if (!velo::profiler::available()) {
        CHECK(any_note_contains(json, "profiling off: profiler unavailable"));
        CHECK_FALSE(fs::exists(scratch_dir() / dir));
        continue;
      }
      CHECK(contains(run.err, "profiles written to " + dir + " (2 cases); render with: velo flame " + dir +
                                  "/merged.folded -o flame.svg"));
      std::uint64_t total = 0;
      for (const auto& c : json["cases"]) {
        const FoldedStacks stacks = check_profiled_case(c, "cpu", 499);
        CHECK(has_counters_frame(stacks));
        CHECK(c["details"]["profile"]["folded_file"].get<std::string>().rfind(dir + "/counters_", 0) == 0);
        total += stacks.total();
      }
      CHECK(json["settings"]["profile"]["dir"] == dir);

      // merged.folded: every case's stacks under its id, nothing else.
      const FoldedStacks merged = read_folded(scratch_dir() / dir / "merged.folded");
      CHECK(merged.total() == total);
      for (const auto& [stack, count] : merged.stacks()) {
        const auto root = velo::profiler::split_frames(stack).front();
        CHECK((root == json["cases"][0]["id"] || root == json["cases"][1]["id"]));
      }
      CHECK(fs::exists(scratch_dir() / dir / "counters_atomic_increments=10,threads=2.folded"));
    }
  }
}

TEST_CASE("--profile=wall samples in wall-clock mode", "[cli][profile]") {
  const fs::path report = scratch_dir() / "profile-wall.json";
  auto run = run_velo({"run", data("counters-small.toml"), "--out", report.string(), "--filter", "atomic.*threads=1",
                   "--repetitions", "1", "--min-time", "300ms", "--profile=wall", "--profile-dir", "profiles-wall",
                   "--quiet"});
  INFO(run.err);
  REQUIRE(run.exit_code == 0);
  const auto json = nlohmann::json::parse(slurp(report));
  REQUIRE(json["cases"].size() == 1);
  if (!velo::profiler::available()) {
    CHECK(any_note_contains(json, "profiling off"));
    return;
  }
  CHECK(check_profiled_case(json["cases"][0], "wall", 99).total() > 0);
  CHECK_FALSE(contains(run.err, "profiles written"));  // --quiet
}

TEST_CASE("a scenario's [profile] table applies to its cases; the command line overrides it", "[cli][profile]") {
  const fs::path report = scratch_dir() / "profile-table.json";
  const auto run_with = [&](std::vector<std::string> extra) {
    fs::remove_all(scratch_dir() / "velo-profiles");
    std::vector<std::string> args = {"run", data("profile-counters.toml"), "--out", report.string(), "--quiet"};
    args.insert(args.end(), extra.begin(), extra.end());
    auto run = run_velo(args);
    INFO(run.err);
    REQUIRE(run.exit_code == 0);
    return nlohmann::json::parse(slurp(report));
  };

  SECTION("the table alone: wall, 199 Hz, thread names as roots, in the default directory") {
    const auto json = run_with({});
    REQUIRE(json["cases"].size() == 1);
    if (!velo::profiler::available()) {
      CHECK(any_note_contains(json, "profiling off"));
      return;
    }
    const FoldedStacks stacks = check_profiled_case(json["cases"][0], "wall", 199);
    CHECK(json["cases"][0]["details"]["profile"]["thread_root"] == true);
    for (const auto& [stack, count] : stacks.stacks()) {
      CHECK(velo::profiler::thread_of(velo::profiler::split_frames(stack).front()) != "");
    }
    // In the merged file the case id is the root, the thread below it.
    const FoldedStacks merged = read_folded(scratch_dir() / "velo-profiles" / "merged.folded");
    for (const auto& [stack, count] : merged.stacks()) {
      const auto frames = velo::profiler::split_frames(stack);
      REQUIRE(frames.size() >= 2);
      CHECK(frames[0] == json["cases"][0]["id"].get<std::string>());
      CHECK(velo::profiler::thread_of(frames[1]) != "");
    }
  }
  SECTION("--profile-hz and --profile=cpu override the table's rate and mode, the rest stays") {
    const auto json = run_with({"--profile-hz", "301", "--profile=cpu"});
    if (!velo::profiler::available()) return;
    check_profiled_case(json["cases"][0], "cpu", 301);
    CHECK(json["cases"][0]["details"]["profile"]["thread_root"] == true);
  }
  SECTION("--no-profile turns the table off") {
    const auto json = run_with({"--no-profile"});
    CHECK_FALSE(json["cases"][0]["details"].contains("profile"));
    CHECK_FALSE(fs::exists(scratch_dir() / "velo-profiles"));
    CHECK_FALSE(any_note_contains(json, "profiling off"));
  }
}

TEST_CASE("bad profile options and bad input exit 2 and write no profile", "[cli][profile]") {
  const fs::path report = scratch_dir() / "profile-bad.json";
  const std::string dir = "profiles-bad";
  fs::remove_all(scratch_dir() / dir);
  fs::remove(report);
  for (const std::vector<std::string>& extra :
       {std::vector<std::string>{"--profile-hz", "0"}, {"--profile-hz", "10001"}, {"--profile=flame"},
        {"--profile", "--no-profile"}}) {
    std::vector<std::string> args = {"run", data("counters-small.toml"), "--out", report.string(), "--profile-dir",
                                     dir};
    args.insert(args.end(), extra.begin(), extra.end());
    auto run = run_velo(args);
    INFO(extra.front());
    CHECK(run.exit_code == 2);
    CHECK(contains(run.err, "velo: error:"));
  }
  auto bad_file = run_velo({"run", data("bad-key.toml"), "--out", report.string(), "--profile", "--profile-dir", dir});
  CHECK(bad_file.exit_code == 2);
  CHECK_FALSE(fs::exists(scratch_dir() / dir));
  CHECK_FALSE(fs::exists(report));
}

TEST_CASE("a --profile-dir that cannot be written is one error before measuring", "[cli][profile]") {
  const fs::path report = scratch_dir() / "profile-unwritable.json";
  fs::remove(report);
  const fs::path file = scratch_dir() / "profiles-is-a-file";
  std::ofstream(file) << "not a directory\n";
  auto run = run_velo({"run", data("counters-small.toml"), "--out", report.string(), "--profile", "--quiet",
                       "--profile-dir", file.string()});
  CHECK(run.exit_code == 2);
  const std::string error = "velo: error: --profile-dir " + file.string();
  CHECK(contains(run.err, error));
  CHECK(run.err.find(error) == run.err.rfind(error));  // said once
  CHECK(run.out.empty());  // nothing was measured
  CHECK_FALSE(fs::exists(report));
}

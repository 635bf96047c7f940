// The runner's profiling pieces without the CLI: which cases are profiled and
// how (precedence), the request's JSON round trip, profile file names, the
// parent's ProfileFiles (per-case and merged files, notes), and measure_case
// with a profile request on a real family.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "families/family.hpp"
#include "profiler/folded.hpp"
#include "runner/measure.hpp"
#include "runner/profile_files.hpp"
#include "runner/profile_request.hpp"
#include "single_case.hpp"

namespace velo {
namespace {

namespace fs = std::filesystem;

std::string slurp(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

fs::path fresh_dir(const std::string& name) {
  const fs::path dir = fs::temp_directory_path() / (name + "-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  return dir;
}

report::CaseResult profiled_result(const std::string& id, const std::string& folded, nlohmann::json stats) {
  report::CaseResult result;
  result.spec.id = id;
  result.details["profile"] = {{"mode", "cpu"}, {"hz", 99}, {"thread_root", false}, {"stats", std::move(stats)},
                               {"folded", folded}};
  return result;
}

nlohmann::json stats_with(std::uint64_t samples, double effective_hz, std::uint64_t lost_full = 0) {
  return {{"samples", samples},   {"weighted_samples", samples}, {"overruns", 0},
          {"lost_buffer_full", lost_full}, {"lost_unwind", 0},   {"threads", 1},
          {"effective_hz", effective_hz}};
}

}  // namespace

TEST_CASE("resolve_profile: command line over [profile] over defaults", "[runner][profile]") {
  const ProfileSettings table{.enabled = true, .mode = "wall", .hz = 199, .thread_root = true};
  const ProfileSettings configured_only{.enabled = false, .mode = "wall", .hz = 199, .thread_root = false};

  CHECK_FALSE(resolve_profile(std::nullopt, {}));
  CHECK_FALSE(resolve_profile(configured_only, {}));  // a table alone only configures

  auto from_table = resolve_profile(table, {});
  REQUIRE(from_table);
  CHECK(from_table->mode == profiler::Mode::wall);
  CHECK(from_table->hz == 199);
  CHECK(from_table->thread_root);

  auto defaults = resolve_profile(std::nullopt, {.enable = true});
  REQUIRE(defaults);
  CHECK(defaults->mode == profiler::Mode::cpu);
  CHECK(defaults->hz == 99);
  CHECK_FALSE(defaults->thread_root);

  // --profile-hz alone turns on a configured-only table and keeps its mode.
  auto rate_only = resolve_profile(configured_only, {.enable = true, .hz = 999});
  REQUIRE(rate_only);
  CHECK(rate_only->mode == profiler::Mode::wall);
  CHECK(rate_only->hz == 999);

  auto mode_override = resolve_profile(table, {.enable = true, .mode = profiler::Mode::cpu});
  REQUIRE(mode_override);
  CHECK(mode_override->mode == profiler::Mode::cpu);
  CHECK(mode_override->hz == 199);
  CHECK(mode_override->thread_root);

  CHECK_FALSE(resolve_profile(table, {.disable = true}));
}

TEST_CASE("profile requests survive the trip to the worker", "[runner][profile]") {
  const profiler::Options options{.mode = profiler::Mode::wall, .hz = 301, .thread_root = true};
  auto back = profile_request_from_json(profile_request_to_json(options));
  REQUIRE(back.ok());
  CHECK(back->mode == profiler::Mode::wall);
  CHECK(back->hz == 301);
  CHECK(back->thread_root);
  CHECK_FALSE(profile_request_from_json(nlohmann::json{{"mode", "flame"}, {"hz", 99}, {"thread_root", false}}).ok());
  CHECK_FALSE(profile_request_from_json(nlohmann::json{{"mode", "cpu"}}).ok());
  CHECK_FALSE(profile_request_from_json(nlohmann::json("cpu")).ok());
}

TEST_CASE("profile file names keep ids readable and safe", "[runner][profile]") {
  CHECK(profile_file_stem("counters/atomic/increments=10,threads=2") == "counters_atomic_increments=10,threads=2");
  CHECK(profile_file_stem("io/x/path=\"/tmp/a b\"") == "io_x_path=__tmp_a_b_");
  CHECK(profile_file_stem("..") == "_..");
  CHECK(profile_file_stem("") == "_");
  const std::string long_a(300, 'a');
  const std::string long_b = std::string(299, 'a') + "b";
  CHECK(profile_file_stem(long_a).size() < 255);
  CHECK(profile_file_stem(long_a) != profile_file_stem(long_b));
}

TEST_CASE("ProfileFiles writes each case's stacks and a merged file rooted at case ids", "[runner][profile]") {
  const fs::path dir = fresh_dir("velo-profile-files");
  ProfileFiles files(dir.string());

  auto a = profiled_result("fam/a/x=1", "main;work 3\nmain;wait 1\n", stats_with(4, 95));
  auto b = profiled_result("fam/b/x=1", "main;work 2\n", stats_with(2, 40, 5));  // slow and lossy
  report::CaseResult unprofiled;
  unprofiled.spec.id = "fam/c/x=1";
  REQUIRE(files.take(a).ok());
  REQUIRE(files.take(b).ok());
  REQUIRE(files.take(unprofiled).ok());
  REQUIRE(files.write_merged().ok());
  CHECK(files.cases() == 2);

  CHECK_FALSE(a.details["profile"].contains("folded"));
  const fs::path a_file = a.details["profile"]["folded_file"].get<std::string>();
  CHECK(a_file == dir / "fam_a_x=1.folded");
  CHECK(slurp(a_file) == "main;wait 1\nmain;work 3\n");
  CHECK_FALSE(unprofiled.details.contains("profile"));
  CHECK(slurp(dir / "merged.folded") == "fam/a/x=1;main;wait 1\nfam/a/x=1;main;work 3\nfam/b/x=1;main;work 2\n");

  const auto notes = files.notes();
  REQUIRE(notes.size() == 2);
  CHECK(notes[0].find("below the requested rate in 1 of 2 profiled cases (lowest: 40 Hz of 99 Hz requested, "
                      "fam/b/x=1)") != std::string::npos);
  CHECK(notes[1].find("5 of 11 samples were lost in 1 cases (5 ring full, 0 unwind failed)") != std::string::npos);
  fs::remove_all(dir);
}

TEST_CASE("ProfileFiles: no profiled case, no directory; an empty profile is a note", "[runner][profile]") {
  const fs::path dir = fresh_dir("velo-profile-files-empty");
  {
    ProfileFiles files(dir.string());
    report::CaseResult unprofiled;
    REQUIRE(files.take(unprofiled).ok());
    REQUIRE(files.write_merged().ok());
    CHECK_FALSE(fs::exists(dir));
  }
  ProfileFiles files(dir.string());
  auto empty = profiled_result("fam/a", "", stats_with(0, 0));
  REQUIRE(files.take(empty).ok());
  CHECK(slurp(dir / "fam_a.folded").empty());
  REQUIRE(files.notes().size() == 1);
  CHECK(files.notes()[0].find("1 profiled cases have no samples") != std::string::npos);
  fs::remove_all(dir);
}

TEST_CASE("measure_case with a profile request samples the workload's threads", "[runner][profile]") {
  const Case spec = testing::atomic_counter_case(
      "profiled", "repetitions = 1\nmin_time = \"300ms\"\nwarmup = \"1ms\"\n", 2);

  const report::CaseResult result =
      measure_case(registry(), spec, profiler::Options{.mode = profiler::Mode::cpu, .hz = 499});
  INFO(result.reason);
  REQUIRE(result.status == report::CaseStatus::ok);
  if (!profiler::available()) {
    CHECK_FALSE(result.details.contains("profile"));
    REQUIRE(result.details.contains("notes"));
    CHECK(result.details["notes"].dump().find("profiling off: profiler unavailable") != std::string::npos);
    return;
  }
  REQUIRE(result.details.contains("profile"));
  const auto& profile = result.details["profile"];
  CHECK(profile["mode"] == "cpu");
  CHECK(profile["hz"] == 499);
  CHECK(profile["stats"]["threads"].get<int>() >= 2);  // both team members, whatever else registered
  auto stacks = profiler::FoldedStacks::parse(profile["folded"].get<std::string>());
  REQUIRE(stacks.ok());
  CHECK(stacks->total() == profile["stats"]["weighted_samples"].get<std::uint64_t>());
  CHECK(stacks->total() > 0);
#if defined(__SANITIZE_THREAD__)
  // TSAN builds record only the interrupted pc (docs/profiling.md, "Sanitizers").
  const bool counters_frame = true;
#else
  bool counters_frame = false;
  for (const auto& [stack, count] : stacks->stacks()) counters_frame |= stack.find("counters::") != std::string::npos;
#endif
  CHECK(counters_frame);

  // Without a request nothing is sampled and nothing is said about profiling.
  const report::CaseResult plain = measure_case(registry(), spec);
  REQUIRE(plain.status == report::CaseStatus::ok);
  CHECK_FALSE(plain.details.contains("profile"));
  CHECK(plain.details.value("notes", nlohmann::json::array()).dump().find("profiling") == std::string::npos);
}

}  // namespace velo

namespace velo {

TEST_CASE("a profile that cannot be taken leaves a note, and the case still runs", "[runner][profile]") {
  const Case spec = testing::atomic_counter_case(
      "unprofilable", "repetitions = 1\nmin_time = \"5ms\"\nwarmup = \"1ms\"\n");
  // One session per process: holding one here makes the case's own creation fail
  // (without the profiler, creation always fails).
  auto blocker = profiler::Session::create({});
  REQUIRE(blocker.ok() == profiler::available());

  const report::CaseResult result = measure_case(registry(), spec, profiler::Options{});
  REQUIRE(result.status == report::CaseStatus::ok);
  CHECK_FALSE(result.details.contains("profile"));
  REQUIRE(result.details.contains("notes"));
  const std::string notes = result.details["notes"].dump();
  CHECK(notes.find(profiler::available() ? "profiling off: profiler: another profiling session is active"
                                         : "profiling off: profiler unavailable") != std::string::npos);
}

}  // namespace velo

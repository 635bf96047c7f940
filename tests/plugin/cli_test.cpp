// Plugins through the velo binary, as a user runs them: `list --plugin`, `check`
// with [scenario] plugins, and `run` measuring plugin cases in worker processes,
// where a crash or a broken contract fails only that case.
#include <nlohmann/json.hpp>

#include "../cli/velo_process.hpp"
#include "plugin_fixture.hpp"
#include "profiler/folded.hpp"
#include "profiler/profiler.hpp"

using namespace clitest;
using plugintest::plugin_path;

namespace {

fs::path scratch() {
  static const fs::path dir = make_scratch_dir("plugin-cli");
  return dir;
}

Outcome run_cli(const std::vector<std::string>& args) {
  return run_velo(args, {.scratch = scratch(), .chdir_to_scratch = true, .no_color = true});
}

// A scenario in the scratch directory naming the plugin by a relative path.
fs::path write_scenario(const std::string& file, const std::string& plugin, const std::string& family,
                        const std::string& variants, const std::string& params = "") {
  fs::copy_file(plugin_path(plugin), scratch() / ("lib" + plugin + ".so"), fs::copy_options::overwrite_existing);
  std::ofstream out(scratch() / file);
  out << "[scenario]\nname = \"" << fs::path(file).stem().string() << "\"\nfamily = \"" << family
      << "\"\nplugins = [\"lib" << plugin << ".so\"]\n"
      << "[run]\nrepetitions = 2\nmin_time = \"2ms\"\nwarmup = \"1ms\"\ntimeout = \"60s\"\n"
      << "[params]\n" << params << "\n" << variants;
  return scratch() / file;
}

nlohmann::json case_named(const nlohmann::json& report, const std::string& variant) {
  for (const auto& c : report["cases"]) {
    if (c["variant"] == variant) return c;
  }
  FAIL("no case of variant " << variant);
  return {};
}

}  // namespace

TEST_CASE("velo list --plugin shows plugin implementations under their families", "[plugin]") {
  auto all = run_cli({"list", "--plugin", plugin_path("good")});
  INFO(all.err);
  REQUIRE(all.exit_code == 0);
  CHECK(contains(all.out, "locked_queue"));
  CHECK(contains(all.out, "function"));
  auto function = run_cli({"list", "function", "--plugin", plugin_path("good")});
  REQUIRE(function.exit_code == 0);
  CHECK(contains(function.out, "sum"));
  CHECK(contains(function.out, "plugin testgood 1.0.0"));
  CHECK(contains(function.out, "step"));
  CHECK(contains(function.out, "plain|fancy"));
}

TEST_CASE("a bad plugin is exit 2 naming the file and what is wrong", "[plugin]") {
  auto abi = run_cli({"list", "--plugin", plugin_path("abi_mismatch")});
  CHECK(abi.exit_code == 2);
  CHECK(contains(abi.err, "velo: error: plugin "));
  CHECK(contains(abi.err, "ABI version 999"));
  CHECK(contains(abi.err, "ABI version 1"));
  auto missing = run_cli({"run", "--plugin", plugin_path("missing_function"), "-o", "never.json"});
  CHECK(missing.exit_code == 2);
  CHECK(contains(missing.err, "missing function try_recv"));
  CHECK_FALSE(fs::exists(scratch() / "never.json"));
  const fs::path scenario = write_scenario("abi.toml", "abi_mismatch", "counters",
                                           "[[variant]]\nname = \"a\"\nimpl = \"atomic_fetch_add\"\n");
  auto check = run_cli({"check", scenario.string()});
  CHECK(check.exit_code == 2);
  CHECK(contains(check.err, "abi.toml:4:"));
  CHECK(contains(check.err, "ABI version 999"));
}

TEST_CASE("velo check validates plugin implementation names with a did-you-mean", "[plugin]") {
  const fs::path good = write_scenario("good-check.toml", "good", "counters",
                                       "[[variant]]\nname = \"builtin\"\nimpl = \"atomic_fetch_add\"\n"
                                       "[[variant]]\nname = \"mine\"\nimpl = \"atomic_counter\"\n");
  auto ok = run_cli({"check", good.string()});
  INFO(ok.err);
  CHECK(ok.exit_code == 0);
  const fs::path typo = write_scenario("typo.toml", "good", "counters",
                                       "[[variant]]\nname = \"mine\"\nimpl = \"atomic_countr\"\n");
  auto bad = run_cli({"check", typo.string()});
  CHECK(bad.exit_code == 2);
  CHECK(contains(bad.err, "typo.toml:"));
  CHECK(contains(bad.err, "did you mean 'atomic_counter'?"));
}

TEST_CASE("velo run measures plugin variants beside built-ins and records the plugin", "[plugin]") {
  const fs::path scenario = write_scenario("mixed.toml", "good", "counters",
                                           "[[variant]]\nname = \"builtin\"\nimpl = \"atomic_fetch_add\"\n"
                                           "[[variant]]\nname = \"mine\"\nimpl = \"atomic_counter\"\n",
                                           "threads = 2\nincrements = 10\n");
  auto run = run_cli({"run", scenario.string(), "-q", "-o", "mixed.json"});
  INFO(run.err);
  REQUIRE(run.exit_code == 0);
  CHECK(contains(run.out, "mine"));
  CHECK(contains(run.out, "builtin"));
  const auto report = nlohmann::json::parse(slurp(scratch() / "mixed.json"));
  const auto mine = case_named(report, "mine");
  CHECK(mine["status"] == "ok");
  CHECK(mine["details"]["plugin"]["name"] == "testgood");
  CHECK(mine["details"]["plugin"]["version"] == "1.0.0");
  CHECK(contains(mine["details"]["plugin"]["path"].get<std::string>(), "libgood.so"));
  REQUIRE(report["settings"]["plugins"].size() == 1);
}

TEST_CASE("allocation accounting counts a plugin's own allocations exactly", "[plugin]") {
  const fs::path scenario = write_scenario("allocating.toml", "good", "function",
                                           "[[variant]]\nname = \"allocating\"\nimpl = \"allocating\"\n",
                                           "threads = 1\n");
  auto run = run_cli({"run", scenario.string(), "-q", "-o", "allocating.json", "--repetitions", "3"});
  INFO(run.err);
  REQUIRE(run.exit_code == 0);
  const auto report = nlohmann::json::parse(slurp(scratch() / "allocating.json"));
  const auto allocating = case_named(report, "allocating");
  REQUIRE(allocating["status"] == "ok");
  const auto& metrics = allocating["metrics"];
  if (!metrics.contains("allocs_per_op")) {
    // A sanitizer build of velo counts nothing: absent, never zero, and the report says why.
    CHECK_FALSE(metrics.contains("bytes_per_op"));
    CHECK(contains(allocating["details"]["notes"].dump(), "allocation counting off"));
    return;
  }
  // malloc(16) and new char[48] per iteration (tests/plugin/plugins/good.cpp).
  REQUIRE(metrics["allocs_per_op"]["samples"].size() == 3);
  for (const auto& sample : metrics["allocs_per_op"]["samples"]) CHECK(sample.get<double>() == Approx(2.0).margin(1e-9));
  for (const auto& sample : metrics["bytes_per_op"]["samples"]) CHECK(sample.get<double>() == Approx(64.0).margin(1e-6));
}

TEST_CASE("a crashing plugin and a broken contract fail only their own cases", "[plugin]") {
  const fs::path functions = write_scenario("functions.toml", "broken", "function",
                                            "[[variant]]\nname = \"crash\"\nimpl = \"crashing_function\"\n"
                                            "[[variant]]\nname = \"wrong\"\nimpl = \"wrong_function\"\n");
  const fs::path queues = write_scenario("queues.toml", "good", "channel",
                                         "[[variant]]\nname = \"builtin\"\nimpl = \"mutex_deque\"\n"
                                         "[[variant]]\nname = \"mine\"\nimpl = \"locked_queue\"\n");
  const fs::path lossy = write_scenario("lossy.toml", "broken", "channel",
                                        "[[variant]]\nname = \"lossy\"\nimpl = \"lossy_queue\"\n"
                                        "params = { drop_every = 2 }\n");
  const fs::path pools = write_scenario("pools.toml", "broken", "pool",
                                        "[[variant]]\nname = \"null\"\nimpl = \"null_pool\"\n");
  const fs::path stale = write_scenario("stale.toml", "broken", "map",
                                        "[[variant]]\nname = \"stale\"\nimpl = \"stale_map\"\n");
  auto run = run_cli({"run", functions.string(), queues.string(), lossy.string(), pools.string(), stale.string(),
                      "-q", "-o", "broken.json"});
  INFO(run.err);
  CHECK(run.exit_code == 1);
  const auto report = nlohmann::json::parse(slurp(scratch() / "broken.json"));
  const auto crash = case_named(report, "crash");
  CHECK(crash["status"] == "failed");
  CHECK(contains(crash["reason"].get<std::string>(), "SEGV"));  // the signal, or a sanitizer's report of it
  const auto wrong = case_named(report, "wrong");
  CHECK(wrong["status"] == "failed");
  CHECK(contains(wrong["reason"].get<std::string>(), "checksum mismatch"));
  CHECK((!wrong.contains("metrics") || wrong["metrics"].empty()));
  const auto lost = case_named(report, "lossy");
  CHECK(lost["status"] == "failed");
  CHECK(contains(lost["reason"].get<std::string>(), "were received"));
  const auto null = case_named(report, "null");
  CHECK(null["status"] == "failed");
  CHECK(contains(null["reason"].get<std::string>(), "get() returned NULL"));
  const auto stale_values = case_named(report, "stale");
  CHECK(stale_values["status"] == "failed");
  CHECK(contains(stale_values["reason"].get<std::string>(), "value check, key 0x"));
  CHECK(contains(stale_values["reason"].get<std::string>(), "expected version"));
  CHECK((!stale_values.contains("metrics") || stale_values["metrics"].empty()));
  CHECK(case_named(report, "mine")["status"] == "ok");
  CHECK(case_named(report, "builtin")["status"] == "ok");
}

TEST_CASE("--profile names the plugin's own functions in the stacks", "[plugin][profile]") {
  const fs::path scenario = write_scenario("profiled.toml", "good", "counters",
                                           "[[variant]]\nname = \"mine\"\nimpl = \"atomic_counter\"\n",
                                           "threads = 2\nincrements = 100\n");
  auto run = run_cli({"run", scenario.string(), "-q", "-o", "profiled.json", "--repetitions", "1", "--min-time",
                   "300ms", "--profile", "--profile-hz", "499", "--profile-dir", "plugin-profiles"});
  INFO(run.err);
  REQUIRE(run.exit_code == 0);
  const auto report = nlohmann::json::parse(slurp(scratch() / "profiled.json"));
  const auto mine = case_named(report, "mine");
  if (!velo::profiler::available()) {
    SUCCEED("this velo was built without the profiler");
    return;
  }
  REQUIRE(mine["details"].contains("profile"));
  const fs::path folded = scratch() / mine["details"]["profile"]["folded_file"].get<std::string>();
  auto stacks = velo::profiler::FoldedStacks::parse(slurp(folded), folded.string());
  REQUIRE(stacks.ok());
  bool named = false;
  for (const auto& [stack, count] : stacks->stacks()) {
    named |= contains(stack, "AtomicCounter") || contains(stack, "counter_add");
  }
#if defined(__SANITIZE_THREAD__)
  (void)named;  // TSan builds record only the interrupted pc (docs/profiling.md)
#else
  CHECK(named);
#endif
}

TEST_CASE("--baseline-plugin measures a base build of the plugin fork by fork", "[plugin]") {
  fs::copy_file(plugin_path("good"), scratch() / "libgood-base.so", fs::copy_options::overwrite_existing);
  fs::copy_file(plugin_path("good"), scratch() / "libgood-head.so", fs::copy_options::overwrite_existing);
  {
    std::ofstream out(scratch() / "paired.toml");
    out << "[scenario]\nname = \"paired\"\nfamily = \"counters\"\n"
        << "[run]\nrepetitions = 2\nmin_time = \"2ms\"\nwarmup = \"1ms\"\n"
        << "[params]\nincrements = 10\n[[variant]]\nname = \"mine\"\nimpl = \"atomic_counter\"\n";
  }
  auto run = run_cli({"run", "paired.toml", "-q", "--forks", "2", "--plugin", "libgood-head.so", "--baseline-plugin",
                   "libgood-base.so", "-o", "paired-head.json", "--baseline-out", "paired-base.json"});
  INFO(run.err);
  REQUIRE(run.exit_code == 0);
  const auto head = nlohmann::json::parse(slurp(scratch() / "paired-head.json"));
  const auto base = nlohmann::json::parse(slurp(scratch() / "paired-base.json"));
  CHECK(contains(case_named(head, "mine")["details"]["plugin"]["path"].get<std::string>(), "libgood-head.so"));
  CHECK(contains(case_named(base, "mine")["details"]["plugin"]["path"].get<std::string>(), "libgood-base.so"));
  CHECK(case_named(base, "mine")["status"] == "ok");
  CHECK(base["pairing"]["run_id"] == head["pairing"]["run_id"]);

  // A base build sharing a name with the head but lacking others; one sharing none.
  auto mismatch = run_cli({"run", "paired.toml", "-q", "--plugin", "libgood-head.so", "--baseline-plugin",
                        plugin_path("both"), "-o", "never.json"});
  CHECK(mismatch.exit_code == 2);
  CHECK(contains(mismatch.err, "has no implementation channel/locked_queue"));
  auto unrelated = run_cli({"run", "paired.toml", "-q", "--plugin", "libgood-head.so", "--baseline-plugin",
                            plugin_path("broken"), "-o", "never.json"});
  CHECK(unrelated.exit_code == 2);
  CHECK(contains(unrelated.err, "none of the plugins loaded"));
  auto unpaired = run_cli({"run", "paired.toml", "-q", "--baseline-plugin", "libgood-base.so", "-o", "never.json"});
  CHECK(unpaired.exit_code == 2);
  CHECK(contains(unpaired.err, "no head build to pair it with"));
}

TEST_CASE("--baseline-plugin pairs with a plugin a scenario names, by implementation names", "[plugin]") {
  for (const char* copy : {"libgood-scen-head.so", "libgood-scen-base.so"}) {
    fs::copy_file(plugin_path("good"), scratch() / copy, fs::copy_options::overwrite_existing);
  }
  fs::copy_file(plugin_path("broken"), scratch() / "libbroken-scen.so", fs::copy_options::overwrite_existing);
  {
    std::ofstream out(scratch() / "scen-paired.toml");
    out << "[scenario]\nname = \"scen-paired\"\nfamily = \"counters\"\n"
        << "plugins = [\"libbroken-scen.so\", \"libgood-scen-head.so\"]\n"
        << "[run]\nrepetitions = 2\nmin_time = \"2ms\"\nwarmup = \"1ms\"\n"
        << "[params]\nincrements = 10\n[[variant]]\nname = \"mine\"\nimpl = \"atomic_counter\"\n";
  }
  // Two plugins are loaded; the base build pairs with the one that has its names.
  auto run = run_cli({"run", "scen-paired.toml", "-q", "--forks", "2", "--baseline-plugin", "libgood-scen-base.so",
                      "-o", "scen-head.json", "--baseline-out", "scen-base.json"});
  INFO(run.err);
  REQUIRE(run.exit_code == 0);
  const auto head = nlohmann::json::parse(slurp(scratch() / "scen-head.json"));
  const auto base = nlohmann::json::parse(slurp(scratch() / "scen-base.json"));
  CHECK(contains(case_named(head, "mine")["details"]["plugin"]["path"].get<std::string>(), "libgood-scen-head.so"));
  CHECK(contains(case_named(base, "mine")["details"]["plugin"]["path"].get<std::string>(), "libgood-scen-base.so"));
  CHECK(case_named(base, "mine")["status"] == "ok");
  CHECK(base["pairing"]["run_id"] == head["pairing"]["run_id"]);

  // A base build with names from both loaded plugins: velo does not guess.
  auto ambiguous = run_cli({"run", "scen-paired.toml", "-q", "--baseline-plugin", plugin_path("both"), "-o",
                            "never.json"});
  CHECK(ambiguous.exit_code == 2);
  CHECK(contains(ambiguous.err, "ambiguous"));
  CHECK(contains(ambiguous.err, "libgood-scen-head.so"));
  CHECK(contains(ambiguous.err, "libbroken-scen.so"));
  CHECK_FALSE(fs::exists(scratch() / "never.json"));
  // Two base builds for one head.
  auto twice = run_cli({"run", "scen-paired.toml", "-q", "--baseline-plugin", "libgood-scen-base.so",
                        "--baseline-plugin", "libgood-scen-head.so", "-o", "never.json"});
  CHECK(twice.exit_code == 2);
  CHECK(contains(twice.err, "both pair with"));
}

TEST_CASE("gate --confirm re-measures plugin cases with the plugins given by --plugin", "[plugin]") {
  fs::copy_file(plugin_path("good"), scratch() / "libgood-confirm.so", fs::copy_options::overwrite_existing);
  {
    std::ofstream out(scratch() / "confirm.toml");
    out << "[scenario]\nname = \"confirm\"\nfamily = \"counters\"\n"
        << "[run]\nrepetitions = 8\nmin_time = \"2ms\"\nwarmup = \"1ms\"\n"
        << "[params]\nincrements = 10\n[[variant]]\nname = \"mine\"\nimpl = \"atomic_counter\"\n";
  }
  auto base = run_cli({"run", "confirm.toml", "-q", "--plugin", "libgood-confirm.so", "-o", "confirm-base.json"});
  INFO(base.err);
  REQUIRE(base.exit_code == 0);
  // HEAD: the same run made three times slower on paper, so the gate suspects a regression
  // (8 repetitions a side: enough for the test to be significant).
  auto head = nlohmann::json::parse(slurp(scratch() / "confirm-base.json"));
  for (auto& c : head["cases"]) {
    for (auto& sample : c["metrics"]["ns_per_op"]["samples"]) sample = sample.get<double>() * 3;
    c["metrics"]["ns_per_op"]["summary"]["median"] = c["metrics"]["ns_per_op"]["summary"]["median"].get<double>() * 3;
  }
  std::ofstream(scratch() / "confirm-head.json") << head.dump();

  auto without = run_cli({"gate", "confirm-base.json", "confirm-head.json", "--confirm", "confirm.toml", "-q"});
  CHECK(without.exit_code == 2);
  CHECK(contains(without.err, "atomic_counter"));
  auto with = run_cli({"gate", "confirm-base.json", "confirm-head.json", "--confirm", "confirm.toml", "-q",
                       "--plugin", "libgood-confirm.so"});
  INFO(with.err);
  CHECK(with.exit_code != 2);  // re-measured: the verdict depends on this machine, the loading does not
  auto unused = run_cli({"gate", "confirm-base.json", "confirm-head.json", "--plugin", "libgood-confirm.so"});
  CHECK(unused.exit_code == 2);
  CHECK(contains(unused.err, "--plugin is for re-measuring with --confirm"));
}

// External benchmarks end to end through the built velo binary: cases run in
// worker processes, failures and hangs are reported per case, bad scenarios are
// refused. Asserts behaviour, never timings.
#include <catch2/catch.hpp>

#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <fstream>
#include <string>
#include <thread>

#include <nlohmann/json.hpp>

#include "velo_process.hpp"

namespace fs = std::filesystem;

namespace {

using namespace clitest;

fs::path scratch_dir() {
  static const fs::path dir = make_scratch_dir("external-test");
  return dir;
}

Outcome velo(const std::vector<std::string>& args) {
  return run_velo(args, {.scratch = scratch_dir(), .chdir_to_scratch = true});
}

fs::path write_scenario(const std::string& name, const std::string& body) {
  const fs::path path = scratch_dir() / (name + ".toml");
  std::ofstream(path) << "[scenario]\nname = \"" << name << "\"\nfamily = \"command\"\n" << body;
  return path;
}

nlohmann::json read_json(const fs::path& path) { return nlohmann::json::parse(slurp(path)); }

// A process that is gone (or a zombie nobody has reaped yet) no longer runs.
bool running(pid_t pid) {
  if (::kill(pid, 0) != 0) return errno != ESRCH;
  const std::string stat = slurp("/proc/" + std::to_string(pid) + "/stat");
  const auto close = stat.rfind(')');
  return close == std::string::npos || close + 2 >= stat.size() || stat[close + 2] != 'Z';
}

}  // namespace

TEST_CASE("command cases run in workers, parameters substituted, per-run metrics reported", "[cli][external]") {
  const fs::path scenario = write_scenario("cmd-ok",
                                           "[run]\nrepetitions = 2\nmin_time = \"1ms\"\nwarmup = \"0s\"\n"
                                           "[params]\nbytes = [\"16\", \"4096\"]\n"
                                           "[[variant]]\nname = \"head\"\nimpl = \"command\"\n"
                                           "params = { command = \"head -c {bytes} /dev/zero\" }\n"
                                           "[[variant]]\nname = \"dd\"\nimpl = \"command\"\n"
                                           "params = { command = \"dd if=/dev/zero of=/dev/null bs={bytes} count=1\" }\n");
  const fs::path report = scratch_dir() / "ok.json";
  auto run = velo({"run", scenario.string(), "--out", report.string(), "--forks", "2"});
  INFO(run.err);
  REQUIRE(run.exit_code == 0);
  CHECK(contains(run.out, "head"));
  const auto json = read_json(report);
  REQUIRE(json["cases"].size() == 4);
  // A variant's own parameters are part of its id, as for built-in variants (percent-encoded).
  CHECK(json["cases"][0]["id"] == "command/head/bytes=16,command=head%20-c%20{bytes}%20%2Fdev%2Fzero");
  for (const auto& c : json["cases"]) {
    CHECK(c["status"] == "ok");
    CHECK(c["metrics"]["ns_per_op"]["samples"].size() == 2);
    CHECK(c["metrics"].contains("user_ns_per_op"));
    CHECK(c["metrics"].contains("system_ns_per_op"));
    CHECK(c["metrics"].contains("peak_rss_bytes"));
    // The worker's own CPU time would describe velo, not the command; allocations
    // are the command's own, counted by velo's preload library (absent, with the
    // reason, in a sanitizer build that has none).
    CHECK_FALSE(c["metrics"].contains("cpu_ns_per_op"));
    const std::string notes = c["details"]["notes"].dump();
    if (c["metrics"].contains("allocs_per_op")) {
      CHECK(contains(notes, "counted by velo's preload library"));
    } else {
      CHECK(contains(notes, "allocs_per_op and bytes_per_op not measured"));
    }
  }
  CHECK(json["cases"][1]["details"]["argv"] == nlohmann::json::array({"head", "-c", "4096", "/dev/zero"}));
}

TEST_CASE("a non-zero exit fails its case with the command's stderr, exit 1", "[cli][external]") {
  const fs::path scenario = write_scenario("cmd-fail",
                                           "[run]\nrepetitions = 1\nmin_time = \"1ms\"\n"
                                           "[[variant]]\nname = \"good\"\nimpl = \"command\"\n"
                                           "params = { command = \"true\" }\n"
                                           "[[variant]]\nname = \"bad\"\nimpl = \"command\"\n"
                                           "params = { command = \"sh -c 'echo disk-is-full >&2 && exit 4'\" }\n");
  const fs::path report = scratch_dir() / "fail.json";
  auto run = velo({"run", scenario.string(), "--out", report.string(), "--quiet"});
  INFO(run.err);
  CHECK(run.exit_code == 1);
  const auto json = read_json(report);
  REQUIRE(json["cases"].size() == 2);
  CHECK(json["cases"][0]["status"] == "ok");
  CHECK(json["cases"][1]["status"] == "failed");
  const std::string reason = json["cases"][1]["reason"];
  CHECK(contains(reason, "exit status 4"));
  CHECK(contains(reason, "disk-is-full"));
}

TEST_CASE("a hung command is killed with its worker and reported as timeout", "[cli][external]") {
  const fs::path pid_file = scratch_dir() / "hung.pid";
  const fs::path scenario = write_scenario(
      "cmd-hang", "[run]\nrepetitions = 1\nmin_time = \"1ms\"\nwarmup = \"0s\"\ntimeout = \"1s\"\n"
                  "[[variant]]\nname = \"hang\"\nimpl = \"command\"\n"
                  "params = { command = \"echo $$ > " + pid_file.string() + " && exec sleep 600\", shell = true }\n");
  const fs::path report = scratch_dir() / "hang.json";
  auto run = velo({"run", scenario.string(), "--out", report.string(), "--quiet"});
  INFO(run.err);
  CHECK(run.exit_code == 1);
  const auto json = read_json(report);
  REQUIRE(json["cases"].size() == 1);
  CHECK(json["cases"][0]["status"] == "timeout");
  // The command was in the worker's process group, which the runner killed.
  const std::string pid_text = slurp(pid_file);
  REQUIRE_FALSE(pid_text.empty());
  const pid_t pid = static_cast<pid_t>(std::stol(pid_text));
  bool gone = false;
  for (int i = 0; i < 500 && !gone; ++i) {  // liveness, not timing: up to 10 s for init to reap it
    gone = !running(pid);
    if (!gone) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  CHECK(gone);
}

TEST_CASE("bad command scenarios exit 2 naming the file and line, nothing written", "[cli][external]") {
  const fs::path report = scratch_dir() / "never.json";
  fs::remove(report);
  const fs::path unused = write_scenario("cmd-unused",
                                         "[params]\nsize = \"1\"\n"
                                         "[[variant]]\nname = \"x\"\nimpl = \"command\"\n"
                                         "params = { command = \"true\" }\n");
  auto run = velo({"run", unused.string(), "--out", report.string()});
  CHECK(run.exit_code == 2);
  CHECK(contains(run.err, "cmd-unused.toml:"));
  CHECK(contains(run.err, "parameter 'size' is not used"));
  CHECK_FALSE(fs::exists(report));
  auto check = velo({"check", unused.string()});
  CHECK(check.exit_code == 2);
}

namespace {

fs::path write_gbench_scenario(const std::string& name, const std::string& filter, const std::string& run) {
  const fs::path path = scratch_dir() / (name + ".toml");
  std::ofstream(path) << "[scenario]\nname = \"" << name << "\"\nfamily = \"gbench\"\n[run]\n" << run
                      << "[[variant]]\nname = \"tiny\"\nimpl = \"gbench\"\nparams = { binary = \""
                      << env("VELO_TINY_GBENCH") << "\", filter = \"" << filter << "\" }\n";
  return path;
}

}  // namespace

TEST_CASE("gbench: one case per benchmark, every repetition kept, errors and hangs per case", "[cli][external]") {
  const fs::path report = scratch_dir() / "gbench.json";
  const fs::path scenario = write_gbench_scenario("gb", "BM_loop|BM_error",
                                                  "repetitions = 4\nmin_time = \"1ms\"\nwarmup = \"0s\"\n");
  auto run = velo({"run", scenario.string(), "--out", report.string(), "--forks", "2"});
  INFO(run.err);
  CHECK(run.exit_code == 1);  // BM_error fails its case
  const auto json = read_json(report);
  REQUIRE(json["cases"].size() == 3);
  for (int i : {0, 1}) {
    const auto& c = json["cases"][i];
    CHECK(c["status"] == "ok");
    CHECK(c["metrics"]["ns_per_op"]["samples"].size() == 4);  // 2 forks x 2 repetitions
    CHECK(c["metrics"]["items_per_second"]["better"] == "higher");
    CHECK(c["metrics"]["widgets"]["samples"].size() == 4);
  }
  CHECK(json["cases"][2]["status"] == "failed");
  CHECK(contains(json["cases"][2]["reason"].get<std::string>(), "the fixture is broken"));

  const fs::path hang = write_gbench_scenario("gb-hang", "BM_hang", "repetitions = 1\ntimeout = \"1s\"\n");
  auto hung = velo({"run", hang.string(), "--out", report.string(), "--quiet"});
  CHECK(hung.exit_code == 1);
  const auto hung_json = read_json(report);
  REQUIRE(hung_json["cases"].size() == 1);
  CHECK(hung_json["cases"][0]["status"] == "timeout");
}

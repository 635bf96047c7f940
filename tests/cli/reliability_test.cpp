// Hostile input and faults through the real binary (issue #15): exit codes and
// messages, files that are never replaced or half-written, and no process left
// behind. Never asserts timings; waits are bounded generously.
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <sstream>
#include <tuple>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "velo_process.hpp"

namespace fs = std::filesystem;
using namespace clitest;

namespace {

fs::path scratch_dir() {
  static const fs::path dir = make_scratch_dir("cli-reliability");
  return dir;
}

Outcome velo(const std::vector<std::string>& args) {
  return run_velo(args, {.scratch = scratch_dir(), .chdir_to_scratch = true});
}

std::string cli_data(const std::string& name) { return test_data("cli", name); }
std::string gate_data(const std::string& name) { return test_data("gate", name); }

fs::path write(const std::string& name, const std::string& text) {
  const fs::path path = scratch_dir() / name;
  std::ofstream(path, std::ios::binary) << text;
  return path;
}

std::string nested_groups(int depth) { return std::string(depth, '(') + "a" + std::string(depth, ')'); }

// A report fixture, edited.
fs::path edited_report(const std::string& name, const std::function<void(nlohmann::json&)>& edit) {
  auto json = nlohmann::json::parse(slurp(gate_data("base.json")));
  edit(json);
  return write(name, json.dump(2));
}

// --- processes ---------------------------------------------------------------------

// Starts velo with output in the scratch directory; returns its pid.
pid_t spawn_velo(const std::vector<std::string>& args) {
  static std::string bin = env("VELO_BIN");
  const pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    const int out = ::open((scratch_dir() / "spawn-out.txt").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    const int err = ::open((scratch_dir() / "spawn-err.txt").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ::dup2(out, 1);
    ::dup2(err, 2);
    if (::chdir(scratch_dir().c_str()) != 0) ::_exit(126);
    std::vector<char*> argv{bin.data()};
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    ::execv(bin.c_str(), argv.data());
    ::_exit(127);
  }
  return pid;
}

// A process that exists and is not a zombie.
bool alive(pid_t pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(stat, line)) return false;
  const auto close = line.rfind(')');
  return close != std::string::npos && line.size() > close + 2 && line[close + 2] != 'Z';
}

// The worker (`velo __worker`) that `parent` started, waiting up to 60 s for it; other
// children (git, run for the report's provenance) are not it.
pid_t wait_for_worker(pid_t parent) {
  for (int tries = 0; tries < 600; ++tries) {
    for (const auto& entry : fs::directory_iterator("/proc")) {
      const std::string name = entry.path().filename();
      if (name.find_first_not_of("0123456789") != std::string::npos) continue;
      std::ifstream stat(entry.path() / "stat");
      std::string line;
      if (!std::getline(stat, line)) continue;
      const auto close = line.rfind(')');
      if (close == std::string::npos) continue;
      std::istringstream rest(line.substr(close + 2));
      char state = 0;
      pid_t ppid = 0;
      rest >> state >> ppid;
      if (ppid != parent) continue;
      std::ifstream cmdline_file(entry.path() / "cmdline");
      const std::string cmdline{std::istreambuf_iterator<char>(cmdline_file), std::istreambuf_iterator<char>()};
      if (cmdline.find("__worker") != std::string::npos) return std::stoi(name);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  FAIL("velo started no worker within 60 s");
  return -1;
}

// True once `pid` is gone, waiting up to 30 s.
bool gone_within_30s(pid_t pid) {
  for (int tries = 0; tries < 300 && alive(pid); ++tries) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  return !alive(pid);
}

int wait_exit(pid_t pid) {
  int status = 0;
  ::waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

// A case that runs until it is killed: one op takes a millisecond and Google Benchmark
// is asked for hours of them.
fs::path hanging_scenario() {
  return write("hang.toml",
               "[scenario]\nname = \"hang\"\nfamily = \"counters\"\n[run]\nrepetitions = 1\nmin_time = \"1000m\"\n"
               "timeout = \"2000m\"\n[params]\ndelay_ns = 1000000\n[[variant]]\nname = \"slow\"\nimpl = \"mutex\"\n");
}

}  // namespace

TEST_CASE("a deeply nested --filter is exit 2 in run, compare and gate", "[cli][reliability][pattern]") {
  const std::string deep = nested_groups(20000);
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"run", cli_data("counters-small.toml"), "--filter", deep},
           {"compare", gate_data("base.json"), gate_data("head-same.json"), "--filter", deep},
           {"gate", gate_data("base.json"), gate_data("head-same.json"), "--filter", deep}}) {
    auto outcome = velo(args);
    INFO(args[0] << ": " << outcome.err);
    CHECK(outcome.exit_code == 2);
    CHECK(contains(outcome.err, "velo: error: --filter: the regular expression is 40001 bytes long; the limit is "
                                "4096 bytes"));
  }
}

TEST_CASE("nested patterns in a gate file or a BASE report's [gate] are exit 2", "[cli][reliability][pattern]") {
  const std::string deep = nested_groups(20000);
  const fs::path gate_file = write("deep-gate.toml", "[[case]]\npattern = \"" + deep + "\"\nmax_regression = \"5%\"\n");
  auto from_file = velo({"gate", gate_data("base.json"), gate_data("head-same.json"), "--gate-file", gate_file.string()});
  CHECK(from_file.exit_code == 2);
  CHECK(contains(from_file.err, "deep-gate.toml:2:11: pattern: the regular expression is 40001 bytes long"));

  const fs::path base = edited_report("deep-base.json", [&](nlohmann::json& json) {
    json["scenarios"][0]["gate"] = {{"case", {{{"pattern", deep}, {"max_regression", "5%"}}}}};
  });
  auto from_report = velo({"gate", base.string(), gate_data("head-same.json")});
  CHECK(from_report.exit_code == 2);
  CHECK(contains(from_report.err, "pattern: the regular expression is 40001 bytes long"));
}

TEST_CASE("velo flame renders a stack 20,000 frames deep", "[cli][reliability][flame]") {
  std::string stack = "main";
  for (int i = 0; i < 20000; ++i) stack += ";f" + std::to_string(i % 7);
  const fs::path folded = write("deep.folded", stack + " 5\n");
  const fs::path svg = scratch_dir() / "deep.svg";
  auto flame = velo({"flame", folded.string(), "-o", svg.string()});
  CHECK(flame.exit_code == 0);
  CHECK(slurp(svg).find("</svg>") != std::string::npos);
  auto speedscope = velo({"export", folded.string(), "--to", "speedscope", "-o", (scratch_dir() / "deep.json").string()});
  CHECK(speedscope.exit_code == 0);
}

TEST_CASE("FIFOs, devices and directories as inputs are exit 2 at once", "[cli][reliability][input]") {
  const fs::path fifo = scratch_dir() / "input.fifo";
  fs::remove(fifo);
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  for (const std::string& input : {fifo.string(), std::string("/dev/zero")}) {
    auto check = velo({"check", input});
    CHECK(check.exit_code == 2);
    CHECK(contains(check.err, "not a scenario file: velo reads only regular files"));
    auto run = velo({"run", input});
    CHECK(run.exit_code == 2);
    auto compare = velo({"compare", input, gate_data("base.json")});
    CHECK(compare.exit_code == 2);
    CHECK(contains(compare.err, "not a report: velo reads only regular files"));
    auto flame = velo({"flame", input, "-o", (scratch_dir() / "x.svg").string()});
    CHECK(flame.exit_code == 2);
    CHECK(contains(flame.err, "not a folded file"));
  }
  auto directory = velo({"compare", scratch_dir().string(), gate_data("base.json")});
  CHECK(directory.exit_code == 2);
  CHECK(contains(directory.err, "is a directory, not a report"));
  CHECK_FALSE(contains(directory.err, "invalid JSON"));

  const fs::path loop = scratch_dir() / "loop.toml";
  fs::remove(loop);
  fs::create_symlink(loop, loop);
  auto looped = velo({"check", loop.string()});
  CHECK(looped.exit_code == 2);
  CHECK(contains(looped.err, "symlink loop"));
  CHECK_FALSE(contains(looped.err, "no such"));
}

TEST_CASE("duration options: empty, overflowing and vanishing values are exit 2", "[cli][reliability][limits]") {
  for (const auto& [option, value, message] : std::vector<std::tuple<std::string, std::string, std::string>>{
           {"--min-time", "", "--min-time: expected a duration such as 50ms, 0.2s or 2m, got an empty string"},
           {"--timeout", "1e30s", "--timeout: '1e30s' is longer than the largest duration, 7 days"},
           {"--min-time", "1e-300s", "--min-time: '1e-300s' is shorter than the smallest duration, 1ns"}}) {
    auto run = velo({"run", cli_data("counters-small.toml"), option, value});
    INFO(option << " '" << value << "': " << run.err);
    CHECK(run.exit_code == 2);
    CHECK(contains(run.err, message));
  }
}

TEST_CASE("gate and compare refuse reports that share no case or too few", "[cli][reliability][gate]") {
  const fs::path renamed = edited_report("renamed.json", [](nlohmann::json& json) {
    for (auto& c : json["cases"]) c["id"] = "other/" + c["id"].get<std::string>();
  });
  auto none = velo({"gate", gate_data("base.json"), renamed.string()});
  CHECK(none.exit_code == 2);
  CHECK(contains(none.err, "BASE and HEAD share no case"));
  CHECK_FALSE(contains(none.out, "gate passed"));
  CHECK(velo({"compare", gate_data("base.json"), renamed.string()}).exit_code == 2);

  const fs::path empty = edited_report("empty.json", [](nlohmann::json& json) { json["cases"] = nlohmann::json::array(); });
  CHECK(velo({"gate", gate_data("base.json"), empty.string()}).exit_code == 2);
  CHECK(velo({"gate", gate_data("base.json"), empty.string(), "--allow-missing"}).exit_code == 2);

  const fs::path one = edited_report("one.json", [](nlohmann::json& json) {
    json["cases"] = nlohmann::json::array({json["cases"][0]});
  });
  auto few = velo({"gate", gate_data("base.json"), one.string()});
  CHECK(few.exit_code == 2);
  CHECK(contains(few.err, "only 1 of BASE's 4 cases are in HEAD"));
  CHECK(velo({"gate", gate_data("base.json"), one.string(), "--allow-missing"}).exit_code == 0);
}

TEST_CASE("reports that would be misread are exit 2 naming the problem", "[cli][reliability][gate]") {
  const fs::path duplicate = edited_report("duplicate.json", [](nlohmann::json& json) {
    json["cases"][1]["id"] = json["cases"][0]["id"];
  });
  auto dup = velo({"gate", gate_data("base.json"), duplicate.string()});
  CHECK(dup.exit_code == 2);
  CHECK(contains(dup.err, "duplicate case id"));

  const fs::path units = edited_report("units.json", [](nlohmann::json& json) {
    for (auto& c : json["cases"]) c["metrics"]["ns_per_op"]["unit"] = "us";
  });
  auto unit = velo({"gate", gate_data("base.json"), units.string()});
  CHECK(unit.exit_code == 2);
  CHECK(contains(unit.err, "in 'ns' (lower is better) in BASE but in 'us'"));

  const fs::path nulls = edited_report("nulls.json", [](nlohmann::json& json) { json["cases"][0]["status"] = nullptr; });
  auto null_status = velo({"compare", nulls.string(), gate_data("base.json")});
  CHECK(null_status.exit_code == 2);
  CHECK(contains(null_status.err, "cases[0].status"));
}

TEST_CASE("--out to a device is written in place, never replaced", "[cli][reliability][output]") {
  auto to_null = velo({"run", cli_data("counters-small.toml"), "--repetitions", "1", "--filter", "atomic/.*threads=1$",
                       "--out", "/dev/null", "--quiet"});
  CHECK(to_null.exit_code == 0);
  CHECK(fs::is_character_file("/dev/null"));

  // A private /dev/full (mknod needs root): the write error is exit 2 and the node stays.
  const fs::path full = scratch_dir() / "full";
  fs::remove(full);
  if (::mknod(full.c_str(), S_IFCHR | 0600, makedev(1, 7)) == 0) {
    auto to_full = velo({"run", cli_data("counters-small.toml"), "--repetitions", "1", "--filter",
                         "atomic/.*threads=1$", "--out", full.string(), "--quiet"});
    CHECK(to_full.exit_code == 2);
    CHECK(contains(to_full.err, "No space left on device"));
    CHECK(fs::is_character_file(full));
  }
}

TEST_CASE("a --baseline-velo whose --version hangs is exit 2, and is killed", "[cli][reliability][process]") {
  const fs::path fake = write("hanging-velo.sh", "#!/bin/sh\necho $$ > " + (scratch_dir() / "hanging.pid").string() +
                                                     "\nexec sleep 1000\n");
  fs::permissions(fake, fs::perms::owner_all);
  auto run = velo({"run", cli_data("counters-small.toml"), "--baseline-velo", fake.string(), "--quiet"});
  CHECK(run.exit_code == 2);
  CHECK(contains(run.err, "did not print \"velo VERSION (COMMIT)\" within 10s"));
  const pid_t hung = std::stoi(slurp(scratch_dir() / "hanging.pid"));
  CHECK(gone_within_30s(hung));
}

TEST_CASE("a worker dies with its parent, even one killed with SIGKILL", "[cli][reliability][process]") {
  const pid_t parent = spawn_velo({"run", hanging_scenario().string(), "--quiet", "--out", "killed.json"});
  const pid_t worker = wait_for_worker(parent);
  REQUIRE(alive(worker));
  ::kill(parent, SIGKILL);
  CHECK(wait_exit(parent) == 128 + SIGKILL);
  CHECK(gone_within_30s(worker));
}

TEST_CASE("SIGTERM and SIGHUP stop a run like Ctrl-C", "[cli][reliability][process]") {
  for (const int sig : {SIGTERM, SIGHUP}) {
    const fs::path report = scratch_dir() / "terminated.json";
    fs::remove(report);
    const pid_t parent = spawn_velo({"run", hanging_scenario().string(), "--out", report.string()});
    const pid_t worker = wait_for_worker(parent);
    ::kill(parent, sig);
    CHECK(wait_exit(parent) == 130);
    CHECK(gone_within_30s(worker));
    REQUIRE(fs::exists(report));
    const auto json = nlohmann::json::parse(slurp(report));
    CHECK(json["complete"] == false);
    CHECK(json["cases"].empty());
    CHECK(contains(slurp(scratch_dir() / "spawn-err.txt"), "velo: interrupted: 0 of 1 cases finished"));
  }
}

TEST_CASE("Ctrl-C during a forked run names the partial cases", "[cli][reliability][process]") {
  const fs::path report = scratch_dir() / "partial.json";
  fs::remove(report);
  // Two forks of one repetition per case: after round 1 every case holds half its
  // samples. Interrupt after the round line and the first finished case.
  auto run = run_velo({"run", cli_data("many-cases.toml"), "--forks", "2", "--out", report.string()},
                      {.scratch = scratch_dir(), .chdir_to_scratch = true, .interrupt_after_lines = 2});
  CHECK(run.exit_code == 130);
  const auto json = nlohmann::json::parse(slurp(report));
  int finished = 0, partial = 0;
  for (const auto& c : json["cases"]) {
    const bool is_partial = c.value("partial", false);
    CHECK(is_partial == (c["metrics"]["ns_per_op"]["samples"].size() < 2));
    if (is_partial) {
      ++partial;
      CHECK(contains(run.err, c["id"].get<std::string>()));
    } else {
      ++finished;
    }
  }
  CHECK(partial > 0);
  CHECK(contains(run.err, "velo: interrupted: " + std::to_string(finished) + " of 16 cases finished"));
  CHECK(contains(run.err, std::to_string(partial) + " case(s) hold only some of their forks and are marked partial"));
}

// --- outputs and commands (one exit-code rule) ----------------------------------------

TEST_CASE("a result that cannot be written to stdout is exit 2, in every command", "[cli][reliability][output]") {
  if (!fs::is_character_file("/dev/full")) return;  // no /dev/full here: nothing to check
  auto to_full = [](const std::vector<std::string>& args) {
    return run_velo(args, {.scratch = scratch_dir(), .chdir_to_scratch = true, .stdout_to = "/dev/full"});
  };
  const std::vector<std::vector<std::string>> commands = {
      {"compare", gate_data("base.json"), gate_data("head-same.json"), "--format", "json"},
      {"compare", gate_data("base.json"), gate_data("head-same.json")},
      {"gate", gate_data("base.json"), gate_data("head-same.json")},
      {"gate", gate_data("base.json"), gate_data("head-same.json"), "--format", "json"},
      {"export", gate_data("base.json"), "--to", "csv"},
      {"run", cli_data("counters-small.toml"), "--repetitions", "1", "--filter", "atomic/.*threads=1$", "--quiet",
       "--format", "csv", "--out", "full-run.json"},
  };
  for (const auto& args : commands) {
    INFO(args[0] << " " << args.back());
    const auto outcome = to_full(args);
    CHECK(outcome.exit_code == 2);
    CHECK(contains(outcome.err, "cannot write to standard output"));
  }
  const auto flame = velo({"flame", test_data("profiler", "canonical.folded"), "-o", "/dev/full"});
  CHECK(flame.exit_code == 2);
  CHECK(contains(flame.err, "No space left on device"));
}

TEST_CASE("--out that cannot be written is exit 2 before anything is measured", "[cli][reliability][output]") {
  const std::vector<std::string> run = {"run", cli_data("counters-small.toml"), "--repetitions", "1", "--quiet"};
  auto with_out = [&](const std::string& out) {
    auto args = run;
    args.insert(args.end(), {"--out", out});
    return velo(args);
  };
  const auto missing = with_out("no-such-dir/report.json");
  CHECK(missing.exit_code == 2);
  CHECK(contains(missing.err, "--out no-such-dir/report.json: cannot write here: directory 'no-such-dir' does not exist"));
  CHECK(missing.out.empty());  // no table: nothing was measured

  const auto empty = with_out("");
  CHECK(empty.exit_code == 2);
  CHECK(contains(empty.err, "--out: expected a file name, got ''"));

  fs::create_directories(scratch_dir() / "a-directory");
  const auto directory = with_out("a-directory");
  CHECK(directory.exit_code == 2);
  CHECK(contains(directory.err, "is a directory"));

  auto same = run;
  same.insert(same.end(), {"--out", "both.json", "--baseline-out", "both.json", "--baseline-velo", env("VELO_BIN")});
  const auto both = velo(same);
  CHECK(both.exit_code == 2);
  CHECK(contains(both.err, "--out and --baseline-out are both 'both.json'"));
  CHECK_FALSE(fs::exists(scratch_dir() / "both.json"));
}

TEST_CASE("an unknown command is named, with the commands there are", "[cli][reliability][usage]") {
  const auto bogus = velo({"bogus"});
  CHECK(bogus.exit_code == 2);
  CHECK(contains(bogus.err, "velo: error: unknown command 'bogus'"));
  CHECK(contains(bogus.err, "commands: run, list, check, compare, gate, flame, export"));
  const auto typo = velo({"comapre"});
  CHECK(typo.exit_code == 2);
  CHECK(contains(typo.err, "(did you mean 'compare'?)"));
  CHECK_FALSE(contains(typo.err, "__worker"));
}

// The command family measured in process: every option does what it says, a
// failing run fails the case with its stderr, and bad scenarios are refused with
// the file and line. Asserts behaviour, never timings.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "families/external/external.hpp"
#include "scenario/scenario.hpp"

namespace fs = std::filesystem;

namespace {

struct Sink final : velo::MetricSink {
  std::map<std::string, double> values;
  std::vector<std::string> notes;
  void add(std::string_view metric, double value) override { values[std::string(metric)] = value; }
  void note(std::string_view text) override { notes.emplace_back(text); }
};

const velo::Family& family() {
  static const velo::Family f = velo::make_command_family();
  return f;
}

velo::Params params_with(const std::map<std::string, velo::ParamValue>& values) {
  velo::Params params;
  for (const auto& spec : family().params) params.set(spec.name, spec.default_value);
  for (const auto& [name, value] : values) params.set(name, value);
  return params;
}

std::variant<std::unique_ptr<velo::Workload>, velo::CaseError> make(const velo::Params& params) {
  return family().impls.front().make(params);
}

velo::Workload& workload_of(std::variant<std::unique_ptr<velo::Workload>, velo::CaseError>& made) {
  if (auto* error = std::get_if<velo::CaseError>(&made)) FAIL(error->reason);
  return *std::get<std::unique_ptr<velo::Workload>>(made);
}

// One repetition of `ops` runs, as the runner drives it.
velo::Status repetition(velo::Workload& workload, Sink& sink, std::int64_t ops) {
  workload.begin_repetition();
  const double seconds = workload.run(ops);
  CHECK(seconds >= 0);
  return workload.end_repetition(sink, ops, seconds);
}

fs::path scratch() {
  static const fs::path dir = [] {
    fs::path d = fs::temp_directory_path() / ("velo-command-test-" + std::to_string(::getpid()));
    fs::remove_all(d);
    fs::create_directories(d);
    return d;
  }();
  return dir;
}

std::string slurp(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::size_t lines_in(const fs::path& path) {
  const std::string text = slurp(path);
  return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
}

}  // namespace

TEST_CASE("a succeeding command reports its CPU time and peak RSS per run", "[external]") {
  auto made = make(params_with({{"command", std::string("true")}}));
  auto& workload = workload_of(made);
  Sink sink;
  const velo::Status status = repetition(workload, sink, 3);
  REQUIRE(status.ok());
  CHECK(sink.values.count("user_ns_per_op") == 1);
  CHECK(sink.values.count("system_ns_per_op") == 1);
  CHECK(sink.values["peak_rss_bytes"] > 0);
  CHECK(sink.values.count("failed_runs_pct") == 0);  // only with allow_failure
  REQUIRE_FALSE(sink.notes.empty());
  CHECK(workload.details()["argv"] == nlohmann::json::array({"true"}));
}

TEST_CASE("a failing run fails the case with the end of its stderr", "[external]") {
  auto made = make(params_with({{"command", std::string("sh -c 'echo first >&2 && echo the-reason >&2 && exit 3'")}}));
  auto& workload = workload_of(made);
  Sink sink;
  const velo::Status status = repetition(workload, sink, 2);
  REQUIRE_FALSE(status.ok());
  const std::string& message = status.error().message;
  INFO(message);
  CHECK(message.find("exit status 3") != std::string::npos);
  CHECK(message.find("the-reason") != std::string::npos);
  CHECK(message.find("allow_failure") != std::string::npos);
}

TEST_CASE("a run killed by a signal fails the case and names the signal", "[external]") {
  auto made = make(params_with({{"command", std::string("sh -c 'kill -TERM $$'")}}));
  Sink sink;
  const velo::Status status = repetition(workload_of(made), sink, 1);
  REQUIRE_FALSE(status.ok());
  CHECK(status.error().message.find("SIGTERM") != std::string::npos);
}

TEST_CASE("allow_failure measures failing runs and counts them", "[external]") {
  auto made = make(params_with({{"command", std::string("false")}, {"allow_failure", true}}));
  Sink sink;
  REQUIRE(repetition(workload_of(made), sink, 4).ok());
  CHECK(sink.values["failed_runs_pct"] == 100.0);
}

TEST_CASE("a program that does not exist fails the case", "[external]") {
  auto made = make(params_with({{"command", std::string("/nonexistent/velo-no-such-program")}}));
  Sink sink;
  const velo::Status status = repetition(workload_of(made), sink, 1);
  REQUIRE_FALSE(status.ok());
  CHECK(status.error().message.find("cannot run") != std::string::npos);
}

TEST_CASE("no shell: metacharacters reach the program as words", "[external]") {
  const fs::path out = scratch() / "echo.txt";
  auto made = make(params_with({{"command", std::string("echo a;b $HOME | x")}, {"output", out.string()}}));
  Sink sink;
  REQUIRE(repetition(workload_of(made), sink, 1).ok());
  CHECK(slurp(out) == "a;b $HOME | x\n");
}

TEST_CASE("shell = true runs the text through /bin/sh", "[external]") {
  const fs::path out = scratch() / "shell.txt";
  auto made = make(params_with(
      {{"command", std::string("echo {word} | tr a-z A-Z")}, {"shell", true}, {"word", std::string("loud")},
       {"output", out.string()}}));
  Sink sink;
  REQUIRE(repetition(workload_of(made), sink, 2).ok());
  CHECK(slurp(out) == "LOUD\n");  // truncated by each run: the last run's output
}

TEST_CASE("env, cwd, stdin and parameters reach the program", "[external]") {
  const fs::path input = scratch() / "input.txt";
  std::ofstream(input) << "needle\n";
  const fs::path dir = scratch() / "cwd";
  fs::create_directories(dir);
  auto made = make(params_with({
      {"command", std::string("sh -c 'test \"$FOO\" = \"bar baz\" && test \"$(pwd)\" = \"$1\" && grep -q {what}' "
                              "sh " + fs::canonical(dir).string())},
      {"env", std::string("FOO='bar baz' OTHER=1")},
      {"cwd", dir.string()},
      {"stdin", input.string()},
      {"what", std::string("needle")},
  }));
  Sink sink;
  const velo::Status status = repetition(workload_of(made), sink, 2);
  INFO((status ? std::string() : status.error().message));
  CHECK(status.ok());
}

TEST_CASE("setup once, prepare before every run, cleanup at the end, warm-up runs untimed", "[external]") {
  const fs::path dir = scratch() / "phases";
  fs::create_directories(dir);
  {
    auto made = make(params_with({
        {"command", std::string("sh -c 'echo run >> runs'")},
        {"setup", std::string("sh -c 'echo setup >> setups'")},
        {"prepare", std::string("sh -c 'echo prepare >> prepares'")},
        {"cleanup", std::string("sh -c 'echo cleanup >> cleanups'")},
        {"warmup_runs", std::int64_t{2}},
        {"count_allocations", false},  // its extra run: preload_test.cpp
        {"cwd", dir.string()},
    }));
    auto& workload = workload_of(made);
    CHECK(lines_in(dir / "setups") == 1);
    CHECK(lines_in(dir / "runs") == 2);  // the warm-up runs
    Sink sink;
    REQUIRE(repetition(workload, sink, 3).ok());
    REQUIRE(repetition(workload, sink, 2).ok());
    CHECK(lines_in(dir / "runs") == 7);
    CHECK(lines_in(dir / "prepares") == 5);
    CHECK_FALSE(fs::exists(dir / "cleanups"));
  }  // the workload is destroyed after the last repetition
  CHECK(lines_in(dir / "setups") == 1);
  CHECK(lines_in(dir / "cleanups") == 1);
}

TEST_CASE("count_allocations = false: no extra run, no allocation counts", "[external]") {
  const fs::path dir = scratch() / "no-counting";
  fs::create_directories(dir);
  auto made = make(params_with({
      {"command", std::string("sh -c 'echo run >> runs'")},
      {"count_allocations", false},
      {"cwd", dir.string()},
  }));
  auto& workload = workload_of(made);
  Sink sink;
  REQUIRE(repetition(workload, sink, 3).ok());
  CHECK(lines_in(dir / "runs") == 3);
  CHECK(sink.values.count("allocs_per_op") == 0);
  CHECK(std::any_of(sink.notes.begin(), sink.notes.end(),
                    [](const std::string& n) { return n.find("count_allocations = false") != std::string::npos; }));
}

TEST_CASE("a failing setup or prepare fails the case", "[external]") {
  auto setup = make(params_with({{"command", std::string("true")}, {"setup", std::string("sh -c 'echo no-db >&2 && false'")}}));
  REQUIRE(std::holds_alternative<velo::CaseError>(setup));
  CHECK(std::get<velo::CaseError>(setup).reason.find("no-db") != std::string::npos);
  CHECK_FALSE(std::get<velo::CaseError>(setup).skip);

  auto prepare = make(params_with({{"command", std::string("true")}, {"prepare", std::string("false")}}));
  Sink sink;
  const velo::Status status = repetition(workload_of(prepare), sink, 1);
  REQUIRE_FALSE(status.ok());
  CHECK(status.error().message.find("prepare") != std::string::npos);
}

TEST_CASE("an unreadable stdin or a missing directory fails the case before any run", "[external]") {
  auto no_stdin = make(params_with({{"command", std::string("true")}, {"stdin", std::string("/nonexistent/in")}}));
  CHECK(std::holds_alternative<velo::CaseError>(no_stdin));
  auto no_dir = make(params_with({{"command", std::string("true")}, {"cwd", std::string("/nonexistent/dir")}}));
  CHECK(std::holds_alternative<velo::CaseError>(no_dir));
}

namespace {

std::string scenario_error(const std::string& body) {
  const std::string text = "[scenario]\nname = \"c\"\nfamily = \"command\"\n" + body;
  auto scenario = velo::parse_scenario(text, "cmd.toml", velo::registry());
  if (scenario) return "";
  return scenario.error().describe();
}

}  // namespace

TEST_CASE("command scenarios: a matrix substitutes, mistakes are refused with the file and line", "[external]") {
  const std::string ok =
      "[params]\nsize = [\"1\", \"64\"]\n[[variant]]\nname = \"cat\"\nimpl = \"command\"\n"
      "params = { command = \"head -c {size} /dev/zero\" }\n";
  CHECK(scenario_error(ok).empty());
  auto scenario = velo::parse_scenario("[scenario]\nname = \"c\"\nfamily = \"command\"\n" + ok, "cmd.toml",
                                       velo::registry());
  REQUIRE(scenario);
  auto cases = velo::expand_cases({*scenario}, {}, velo::registry());
  REQUIRE(cases);
  REQUIRE(cases->size() == 2);
  CHECK(cases->front().group == "size=1");

  const std::string missing = scenario_error("[[variant]]\nname = \"x\"\nimpl = \"command\"\n");
  CHECK(missing.find("cmd.toml:") == 0);
  CHECK(missing.find("needs 'command'") != std::string::npos);

  const std::string unused = scenario_error(
      "[params]\nsize = \"1\"\n[[variant]]\nname = \"x\"\nimpl = \"command\"\nparams = { command = \"true\" }\n");
  CHECK(unused.find("parameter 'size' is not used") != std::string::npos);

  const std::string typo = scenario_error(
      "[[variant]]\nname = \"x\"\nimpl = \"command\"\nparams = { comand = \"true\" }\n");
  CHECK(typo.find("did you mean 'command'") != std::string::npos);

  const std::string quote = scenario_error(
      "[[variant]]\nname = \"x\"\nimpl = \"command\"\nparams = { command = \"echo 'oops\" }\n");
  CHECK(quote.find("unterminated single quote") != std::string::npos);

  const std::string env = scenario_error(
      "[[variant]]\nname = \"x\"\nimpl = \"command\"\nparams = { command = \"true\", env = \"NOEQUALS\" }\n");
  CHECK(env.find("NAME=VALUE") != std::string::npos);
}

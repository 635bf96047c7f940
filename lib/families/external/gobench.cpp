// The `gobench` family: a Go package's benchmarks, run by `go test -bench`.
//
// Cases: every top-level `func BenchmarkXxx(b *testing.B)` declared in the
// package's *_test.go files whose name matches `bench` (RE2, Go's own regex
// syntax) is a case with benchmark=<name>; one whose body calls b.Run is replaced
// by its sub-benchmarks (benchmark=BenchmarkXxx/sub/...), which exist only at run
// time: velo runs such parents once (-benchtime=1x) while reading the scenario. The sources are read rather than the
// test binary built, so a package that does not compile still yields its cases,
// which then fail with the compiler's message. Each worker runs, in the package's
// directory:
//     go test -run '^$' -bench '^Name$' -benchmem -count N -benchtime Ts [-cpu C] .
// with N the worker's share of the repetitions and T the case's min_time; every
// result line is one repetition (go_bench_format.hpp). The `cpu` parameter (a
// matrix like any other) is Go's -cpu. Go picks the iteration count, as GB does.
// What velo does not see: Go has no warm-up setting, so [run] warmup does not apply. With --profile, go test also
// writes its CPU profile (-cpuprofile, pprof), which the runner reads into folded
// stacks with profiler/pprof_reader.hpp.
#include <dirent.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <map>
#include <set>

#include <fmt/format.h>

#include "core/input_file.hpp"
#include "core/pattern.hpp"
#include "core/text.hpp"
#include "families/external/external.hpp"
#include "families/external/go_bench_format.hpp"
#include "families/external/launcher.hpp"
#include "families/external/process_profile.hpp"

namespace velo {
namespace {

constexpr std::string_view kNone = "none";
constexpr int kDiscoverTimeoutMs = 120'000;  // compiling the package and one iteration of each parent

bool word_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

// Benchmark names declared at the start of a line: "func BenchmarkXxx(b *testing.B)".
// Go's rule: the name after "Benchmark" does not start with a lower-case letter.
std::vector<std::string> declared_benchmarks(std::string_view source) {
  std::vector<std::string> names;
  std::size_t start = 0;
  while (start < source.size()) {
    std::size_t end = source.find('\n', start);
    if (end == std::string_view::npos) end = source.size();
    std::string_view line = source.substr(start, end - start);
    start = end + 1;
    constexpr std::string_view prefix = "func Benchmark";
    if (line.substr(0, prefix.size()) != prefix) continue;
    std::size_t i = 5;
    while (i < line.size() && word_char(line[i])) ++i;
    const std::string_view name = line.substr(5, i - 5);
    if (name.size() > 9 && name[9] >= 'a' && name[9] <= 'z') continue;
    const std::string_view rest = line.substr(i);
    if (rest.find("*testing.B)") == std::string_view::npos) continue;
    names.emplace_back(name);
  }
  return names;
}

// True when the body of `func name(` in `source` calls b.Run: a benchmark with
// sub-benchmarks (its body: up to the first line that is a lone "}").
bool runs_sub_benchmarks(std::string_view source, std::string_view name) {
  const std::string head = fmt::format("func {}(", name);
  std::size_t at = source.find(head);
  while (at != std::string_view::npos && at > 0 && source[at - 1] != '\n') at = source.find(head, at + 1);
  if (at == std::string_view::npos) return false;
  std::size_t end = source.find("\n}", at);
  if (end == std::string_view::npos) end = source.size();
  return source.substr(at, end - at).find(".Run(") != std::string_view::npos;
}

// A -bench pattern matching exactly the benchmark path "Top/sub/subsub": go test
// splits the pattern at '/' and matches each level, so each is anchored and its
// regexp metacharacters escaped.
std::string exact_bench_pattern(std::string_view path) {
  std::string out;
  std::size_t start = 0;
  while (true) {
    const std::size_t slash = path.find('/', start);
    const std::string_view level = path.substr(start, slash == std::string_view::npos ? path.npos : slash - start);
    out += '^';
    for (char c : level) {
      if (std::string_view("\\.+*?()|[]{}^$").find(c) != std::string_view::npos) out += '\\';
      out += c;
    }
    out += '$';
    if (slash == std::string_view::npos) return out;
    out += '/';
    start = slash + 1;
  }
}

std::optional<std::string> go_missing(const Params& params);

// Sub-benchmark paths exist only at run time: runs each of `parents` once
// (-benchtime=1x) and returns the paths go test printed under it, in order. An
// error (no go, a compile error, a failing benchmark) leaves the parent as it is:
// measuring it then fails with Go's message.
std::vector<std::string> discover_sub_benchmarks(const Params& params, const std::vector<std::string>& parents,
                                                 std::vector<std::string> names) {
  if (parents.empty() || go_missing(params)) return names;
  external::LaunchSpec spec;
  spec.argv = {params.text("go"), "test", "-run", "^$", "-bench", "^(" + join(parents, "|") + ")$",
               "-benchtime=1x", "-count=1", "."};
  spec.cwd = params.text("package");
  auto output = external::capture_output(std::move(spec), kDiscoverTimeoutMs);
  if (!output) return names;
  std::vector<std::string> out;
  const auto lines = external::read_go_bench(*output);
  for (auto& name : names) {
    if (std::find(parents.begin(), parents.end(), name) == parents.end()) {
      out.push_back(std::move(name));
      continue;
    }
    const std::size_t before = out.size();
    for (const auto& line : lines) {
      if (line.name.rfind(name + "/", 0) == 0 && std::find(out.begin(), out.end(), line.name) == out.end()) {
        out.push_back(line.name);
      }
    }
    if (out.size() == before) out.push_back(std::move(name));
  }
  return out;
}

Expected<std::vector<std::string>> list_benchmarks(const Params& params) {
  const std::string& dir = params.text("package");
  DIR* listing = ::opendir(dir.c_str());
  if (!listing) return make_error(fmt::format("package directory '{}': {}", dir, std::strerror(errno)));
  std::vector<std::string> files;
  while (const dirent* entry = ::readdir(listing)) {
    const std::string name = entry->d_name;
    if (name.size() > 8 && name.substr(name.size() - 8) == "_test.go") files.push_back(name);
  }
  ::closedir(listing);
  std::sort(files.begin(), files.end());
  auto pattern = Pattern::compile(params.text("bench"), "bench");
  if (!pattern) return pattern.error();
  std::vector<std::string> names, parents;
  for (const auto& file : files) {
    auto source = read_input_file(dir + "/" + file, "Go test file", kMaxScenarioFileBytes * 16);
    if (!source) return source.error();
    for (auto& name : declared_benchmarks(*source)) {
      if (pattern->search(name) && std::find(names.begin(), names.end(), name) == names.end()) {
        if (runs_sub_benchmarks(*source, name)) parents.push_back(name);
        names.push_back(std::move(name));
      }
    }
  }
  return discover_sub_benchmarks(params, parents, std::move(names));
}

// Why a case cannot run here: the go command is missing (a skip, not a failure).
std::optional<std::string> go_missing(const Params& params) {
  const std::string& go = params.text("go");
  if (go.find('/') != std::string::npos) {
    if (::access(go.c_str(), X_OK) == 0) return std::nullopt;
    return fmt::format("'{}' is not an executable: the gobench family runs go test", go);
  }
  const char* path = std::getenv("PATH");
  std::string_view dirs = path ? path : "";
  while (true) {
    const auto colon = dirs.find(':');
    const std::string dir(dirs.substr(0, colon));
    if (!dir.empty() && ::access((dir + "/" + go).c_str(), X_OK) == 0) return std::nullopt;
    if (colon == std::string_view::npos) break;
    dirs.remove_prefix(colon + 1);
  }
  return fmt::format("'{}' is not installed (not in PATH): the gobench family runs go test", go);
}

std::optional<std::string> validate(const Params& params) {
  if (params.text("package") == kNone) {
    return "the gobench family needs 'package': the directory of a Go package, e.g. package = \"./internal/chan\"";
  }
  if (auto pattern = Pattern::compile(params.text("bench"), "bench"); !pattern) return pattern.error().message;
  return std::nullopt;
}

std::string last_lines(std::string_view text, int count) {
  std::size_t end = text.size();
  while (end > 0 && text[end - 1] == '\n') --end;
  std::size_t start = end;
  for (int seen = 0; start > 0; --start) {
    if (text[start - 1] == '\n' && ++seen == count) break;
  }
  return std::string(text.substr(start, end - start));
}

// A private directory for the CPU profile and the test binary go test leaves
// with it; removed, with them, when this goes out of scope.
class ProfileDir {
 public:
  ProfileDir() {
    const char* tmp = std::getenv("TMPDIR");
    path_ = fmt::format("{}/velo-gobench-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (::mkdtemp(path_.data()) == nullptr) path_.clear();
  }
  ~ProfileDir() {
    if (path_.empty()) return;
    ::unlink(profile().c_str());
    ::unlink(binary().c_str());
    ::rmdir(path_.c_str());
  }
  ProfileDir(const ProfileDir&) = delete;
  ProfileDir& operator=(const ProfileDir&) = delete;
  bool ok() const { return !path_.empty(); }
  std::string profile() const { return path_ + "/cpu.pprof"; }
  std::string binary() const { return path_ + "/velo-gobench.test"; }

 private:
  std::string path_;
};

// Go's CPU profile of the run (pprof), for the runner to read: Go samples at its
// own rate (100 Hz, runtime.SetCPUProfileRate's default) whatever --profile-hz asks.
ProcessProfile go_profile(const ProfileDir& dir) {
  ProcessProfile out;
  auto bytes = read_input_file(dir.profile(), "Go CPU profile", kMaxDataFileBytes);
  if (!bytes) {
    out.off_reason = fmt::format("go test wrote no CPU profile: {}", bytes.error().message);
    return out;
  }
  out.pprof = std::move(*bytes);
  out.source = "go test -cpuprofile";
  return out;
}

std::variant<ExternalMeasurement, CaseError> measure(const Params& params, const ExternalRun& run) {
  const std::string& benchmark = params.text("benchmark");
  external::LaunchSpec spec;
  spec.argv = {params.text("go"), "test", "-run", "^$", "-bench", exact_bench_pattern(benchmark), "-benchmem",
               fmt::format("-count={}", run.repetitions), fmt::format("-benchtime={}s", run.min_time_s)};
  if (params.integer("cpu") > 0) spec.argv.push_back(fmt::format("-cpu={}", params.integer("cpu")));
  std::optional<ProfileDir> profile_dir;
  if (ProcessProfileSlot::request()) {
    profile_dir.emplace();
    if (!profile_dir->ok()) return CaseError{fmt::format("cannot create a directory for the CPU profile: {}", std::strerror(errno))};
    // -o: with -cpuprofile, go test would otherwise leave its test binary in the package.
    spec.argv.push_back("-cpuprofile=" + profile_dir->profile());
    spec.argv.push_back("-o=" + profile_dir->binary());
  }
  spec.argv.push_back(".");
  spec.cwd = params.text("package");
  const int out = ::memfd_create("velo-go-test-stdout", MFD_CLOEXEC);
  if (out < 0) return CaseError{fmt::format("memfd_create: {}", std::strerror(errno))};
  struct Closer {
    int fd;
    ~Closer() { ::close(fd); }
  } closer{out};
  spec.stdout_fd = out;
  auto launcher = external::Launcher::make(spec);
  if (!launcher) return CaseError{launcher.error().message};
  auto ran = launcher->run();
  if (!ran) return CaseError{ran.error().message};
  std::string text;
  char buffer[65536];
  for (off_t at = 0;;) {
    const ssize_t n = ::pread(out, buffer, sizeof buffer, at);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0 || text.size() > (std::size_t{64} << 20)) break;
    text.append(buffer, static_cast<std::size_t>(n));
    at += n;
  }
  if (!ran->succeeded()) {
    // Build errors go to stderr, benchmark failures (--- FAIL, b.Fatal) to stdout.
    std::string message = fmt::format("go test failed ({})", ran->outcome());
    if (auto tail = launcher->stderr_tail(); !tail.empty()) message += ":\n" + tail;
    if (auto tail = last_lines(text, 20); !tail.empty()) message += "\n" + valid_utf8(tail);
    return CaseError{std::move(message)};
  }
  const auto lines = external::read_go_bench(text);
  std::map<std::string, std::vector<double>> samples;
  std::map<std::string, MetricSpec> specs;
  std::vector<std::string> order;
  std::vector<std::int64_t> iterations;
  std::set<std::string> others;
  std::size_t runs = 0;
  for (const auto& line : lines) {
    if (line.name != benchmark) {
      others.insert(line.name);
      continue;
    }
    ++runs;
    iterations.push_back(line.iterations);
    for (const auto& [unit, value] : line.values) {
      MetricSpec metric = external::go_metric(unit);
      if (!specs.count(metric.name)) {
        order.push_back(metric.name);
        specs.emplace(metric.name, metric);
      }
      samples[metric.name].push_back(value);
      if (unit == "ns/op" && value > 0) {
        const MetricSpec per_s = [] {
          for (const auto& s : metrics::runner_metrics()) {
            if (s.name == metrics::ops_per_s) return s;
          }
          return MetricSpec{};
        }();
        if (!specs.count(per_s.name)) {
          order.push_back(per_s.name);
          specs.emplace(per_s.name, per_s);
        }
        samples[per_s.name].push_back(1e9 / value);
      }
    }
  }
  if (runs == 0) {
    if (!others.empty()) {
      return CaseError{fmt::format("{} runs sub-benchmarks ({}), which could not be listed when the scenario was read; "
                                   "each is a case of its own once go test can run it",
                                   benchmark, join(std::vector<std::string>(others.begin(), others.end()), ", "))};
    }
    return CaseError{fmt::format("go test printed no result for {}:\n{}", benchmark, valid_utf8(last_lines(text, 20)))};
  }
  ExternalMeasurement measured;
  for (const auto& name : order) {
    if (samples[name].size() != runs) continue;  // never a metric from a subset of repetitions
    measured.metrics.push_back({specs[name], std::move(samples[name])});
  }
  measured.details["benchmark"] = benchmark;
  measured.details["iterations"] = iterations;
  measured.details["argv"] = spec.argv;
  if (run.warmup_s > 0) measured.notes.push_back("go test has no warm-up setting: [run] warmup does not apply");
  if (profile_dir) {
    ProcessProfileSlot::deliver(go_profile(*profile_dir));
    measured.notes.push_back(
        "profile: Go's own CPU profile (go test -cpuprofile, 100 Hz whatever --profile-hz says) of the test binary's "
        "whole benchmark run, Go's b.N calibration runs included");
    auto& argv = measured.details["argv"];
    for (auto& arg : argv) {
      const std::string text = arg.get<std::string>();
      if (text.rfind("-cpuprofile=", 0) == 0) arg = "-cpuprofile=<temporary file>";
      if (text.rfind("-o=", 0) == 0) arg = "-o=<temporary file>";
    }
  }
  return measured;
}

// --measure instructions: refused with the reason (families/counted_process.hpp).
std::variant<CountedMeasurement, CaseError> count(const Params&, const ProcessCounting&) {
  return CaseError{"--measure instructions does not count Go benchmarks: Go programs under Valgrind are "
                   "unsupported in practice (the runtime runs goroutines on several threads, which Valgrind "
                   "serialises, and preempts them with signals, so counts would not repeat; `go test` would "
                   "count the compiler too); measure them in time",
                   true};
}

}  // namespace

Family make_gobench_family() {
  Family family;
  family.name = "gobench";
  family.doc = "a Go package's benchmarks (go test -bench), one case per benchmark and -cpu value";
  family.op = "one iteration of the benchmark's b.N loop";
  family.params = {
      {.name = "package", .type = ParamType::text, .default_value = std::string(kNone),
       .doc = "directory of the Go package whose *_test.go files declare the benchmarks"},
      {.name = "bench", .type = ParamType::text, .default_value = std::string("."),
       .doc = "regex choosing the benchmarks (Go/RE2 syntax, searched anywhere in the name)"},
      {.name = "cpu", .type = ParamType::integer, .default_value = std::int64_t{0},
       .doc = "go test -cpu (GOMAXPROCS); 0: Go's default", .min = 0, .max = 4096},
      {.name = "go", .type = ParamType::text, .default_value = std::string("go"), .doc = "the go command"},
  };
  family.headline = {"ns_per_op", "bytes_per_op", "allocs_per_op"};
  family.runner_probes = false;
  family.validate = validate;
  family.listed_param = Family::ListedParam{.name = "benchmark", .list = list_benchmarks};
  family.impls = {Implementation{
      .name = "gobench",
      .doc = "runs go test -bench for each benchmark and reads Go's benchmark format",
      .case_unsupported = go_missing,
      .measure = measure,
  }};
  return family;
}

std::variant<CountedMeasurement, CaseError> count_gobench(const Params& params, const ProcessCounting& counting) {
  return count(params, counting);
}

}  // namespace velo

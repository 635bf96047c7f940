// The `gbench` family: a Google Benchmark binary the user built, measured as it is.
//
// Cases: the binary lists its benchmarks (--benchmark_list_tests, with the
// scenario's `filter`), and each becomes a case whose id carries
// benchmark=<name>. Measuring: each case's worker runs the binary once per fork,
// with --benchmark_filter anchored to that one name, the case's repetitions and
// min time, and JSON to a temporary file; GB picks the iteration count, velo keeps
// every repetition (gbench_json.hpp). The runner's timeout kills the worker's
// process group, the binary with it. The binary runs with velo's preload library
// (preload.hpp): allocs_per_op and bytes_per_op per iteration of the timed loop
// and, with --profile, samples of the timed loops only. What velo does not see:
// anything GB does not report (per-iteration times; which way a user counter is
// better).
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <algorithm>

#include <fmt/format.h>

#include "core/input_file.hpp"
#include "families/external/command_line.hpp"
#include "families/external/external.hpp"
#include "families/external/gbench_json.hpp"
#include "families/external/launcher.hpp"
#include "families/external/preload.hpp"

namespace velo {
namespace {

constexpr std::string_view kNone = "none";
constexpr int kListTimeoutMs = 10'000;  // README "Limits": a binary that will not list is killed

std::vector<std::string> words_of(const std::string& text) {
  if (text == kNone) return {};
  std::string spaced = text;
  std::replace(spaced.begin(), spaced.end(), ',', ' ');
  auto words = external::split_words(spaced);
  return words ? *words : std::vector<std::string>{};
}

std::optional<std::string> validate(const Params& params) {
  if (params.text("binary") == kNone) {
    return "the gbench family needs 'binary': the path of a Google Benchmark executable, e.g. binary = "
           "\"build/my_benchmarks\"";
  }
  if (params.text("args") != kNone) {
    if (auto words = external::split_words(params.text("args")); !words) {
      return fmt::format("'args': {}", words.error().message);
    }
  }
  return std::nullopt;
}

std::vector<std::string> base_argv(const Params& params) {
  std::vector<std::string> argv{params.text("binary")};
  if (params.text("args") != kNone) {
    auto words = external::split_words(params.text("args"));  // validated when the scenario was read
    if (words) argv.insert(argv.end(), words->begin(), words->end());
  }
  return argv;
}

Expected<std::vector<std::string>> list_benchmarks(const Params& params) {
  external::LaunchSpec spec;
  spec.argv = base_argv(params);
  spec.argv.push_back("--benchmark_list_tests=true");
  if (params.text("filter") != kNone) spec.argv.push_back("--benchmark_filter=" + params.text("filter"));
  auto listed = external::capture_output(std::move(spec), kListTimeoutMs);
  if (!listed) return make_error(fmt::format("listing the benchmarks of '{}': {}", params.text("binary"),
                                             listed.error().message));
  return external::read_gbench_list(*listed);
}

// A temporary file for GB's JSON, removed when this goes out of scope.
class TempFile {
 public:
  TempFile() {
    const char* dir = std::getenv("TMPDIR");
    path_ = fmt::format("{}/velo-gbench-XXXXXX.json", dir && *dir ? dir : "/tmp");
    fd_ = ::mkstemps(path_.data(), 5);
  }
  ~TempFile() {
    if (fd_ >= 0) {
      ::close(fd_);
      ::unlink(path_.c_str());
    }
  }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  bool ok() const { return fd_ >= 0; }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  int fd_ = -1;
};

MetricSpec runner_metric(std::string_view name) {
  for (const auto& spec : metrics::runner_metrics()) {
    if (spec.name == name) return spec;
  }
  return MetricSpec{.name = std::string(name)};
}

// allocs_per_op and bytes_per_op per repetition from the preload's brackets,
// unless the binary's own memory manager reported allocs_per_iter already.
void add_allocations(ExternalMeasurement& out, const external::Harvest& harvest) {
  const bool reported = std::any_of(out.metrics.begin(), out.metrics.end(), [](const ExternalMetric& m) {
    return m.spec.name == metrics::allocs_per_op;
  });
  if (reported) {
    out.notes.push_back("allocs_per_op: from the binary's own Google Benchmark memory manager");
    return;
  }
  const auto iterations = out.details.value("iterations", std::vector<std::int64_t>{});
  auto counted = external::gbench_allocations(harvest, iterations);
  if (auto* reason = std::get_if<std::string>(&counted)) {
    out.notes.push_back(fmt::format("allocs_per_op and bytes_per_op not measured: {}", *reason));
    return;
  }
  ExternalMetric allocations{runner_metric(metrics::allocs_per_op), {}};
  ExternalMetric bytes{runner_metric(metrics::bytes_per_op), {}};
  for (const auto& per_op : std::get<std::vector<external::PerOp>>(counted)) {
    allocations.samples.push_back(per_op.allocations);
    bytes.samples.push_back(per_op.bytes);
  }
  out.metrics.push_back(std::move(allocations));
  out.metrics.push_back(std::move(bytes));
  out.notes.push_back(
      "allocs_per_op and bytes_per_op: counted by velo's preload library while the benchmark's timed loop ran "
      "(from the start of its timing to the end of the loop), per iteration");
}

std::variant<ExternalMeasurement, CaseError> measure(const Params& params, const ExternalRun& run) {
  const std::string& benchmark = params.text("benchmark");
  TempFile json;
  if (!json.ok()) return CaseError{fmt::format("cannot create a temporary file: {}", std::strerror(errno))};
  external::LaunchSpec spec;
  spec.argv = base_argv(params);
  spec.argv.push_back("--benchmark_filter=" + external::anchored_filter(benchmark));
  spec.argv.push_back(fmt::format("--benchmark_repetitions={}", run.repetitions));
  // A bare number of seconds: GB 1.7 reads no unit, and 1.8+ still takes seconds.
  spec.argv.push_back(fmt::format("--benchmark_min_time={}", run.min_time_s));
  if (run.warmup_s > 0) spec.argv.push_back(fmt::format("--benchmark_min_warmup_time={}", run.warmup_s));
  spec.argv.push_back("--benchmark_report_aggregates_only=false");
  spec.argv.push_back("--benchmark_enable_random_interleaving=false");
  spec.argv.push_back("--benchmark_out_format=json");
  spec.argv.push_back("--benchmark_out=" + json.path());
  // velo's preload library counts allocations (and samples, when profiled) only
  // while the benchmark's timed loops run (preload/gbench_hooks.cpp).
  const auto profile = ProcessProfileSlot::request();
  auto preload = external::PreloadDir::make(profile, true);
  external::LaunchSpec launched = spec;
  if (preload) preload->apply(launched);
  auto launcher = external::Launcher::make(launched);
  if (!launcher) return CaseError{launcher.error().message};
  auto ran = launcher->run();
  if (!ran) return CaseError{ran.error().message};
  auto text = read_input_file(json.path(), "Google Benchmark JSON output", kMaxDataFileBytes);
  if (!ran->succeeded()) {
    // An error GB reported is the better message, when it wrote one.
    if (text && !text->empty()) {
      auto parsed = external::read_gbench_json(*text, benchmark, {});
      if (auto* error = std::get_if<CaseError>(&parsed)) return *error;
    }
    std::string message = fmt::format("'{}' failed ({})", params.text("binary"), ran->outcome());
    if (auto tail = launcher->stderr_tail(); !tail.empty()) message += fmt::format("; its stderr ends:\n{}", tail);
    return CaseError{std::move(message)};
  }
  if (!text) return CaseError{text.error().message};
  auto measured = external::read_gbench_json(*text, benchmark, words_of(params.text("higher_is_better")));
  if (auto* out = std::get_if<ExternalMeasurement>(&measured)) {
    out->details["argv"] = spec.argv;
    out->details["argv"].back() = "--benchmark_out=<temporary file>";
    if (!preload) {
      out->notes.push_back(fmt::format("allocs_per_op and bytes_per_op not measured: {}", preload.error().message));
      if (profile) ProcessProfileSlot::deliver({.off_reason = preload.error().message});
    } else if (auto harvest = preload->harvest(); !harvest) {
      return CaseError{harvest.error().describe()};
    } else {
      add_allocations(*out, *harvest);
      if (profile) ProcessProfileSlot::deliver(external::profile_of(*harvest));
    }
  }
  return measured;
}

// --measure instructions (families/counted_process.hpp): the binary runs under
// callgrind, which dumps its counts right after State::StartKeepRunning() and right
// before State::FinishKeepRunning() (both exported by every libbenchmark), so the dumps
// triggered by the second hold exactly the benchmark's loop (`for (auto _ : state)`):
// not start-up, registration, set-up inside the benchmark function, nor reporting.
// A count per op must not depend on how fast the machine is, so the iteration count is
// fixed instead of chosen by time: [run] ops iterations where GB takes
// --benchmark_min_time=<N>x (1.8+), one iteration where it does not (1.7, Debian 12's:
// a min time of 1 ns is met by the first attempt, which GB runs with one iteration).
// One repetition more than asked runs first and is not recorded (the first iteration
// of a process resolves lazily bound symbols); every repetition is checked against the
// iterations GB reports.
constexpr std::string_view kLoopTrigger = "--dump-before=benchmark::State::FinishKeepRunning()";

std::variant<CountedMeasurement, CaseError> count(const Params& params, const ProcessCounting& counting) {
  const std::string& benchmark = params.text("benchmark");
  // "BM_x/threads:4": GB runs the loop in 4 threads; each would dump its own loops.
  if (const auto at = benchmark.find("/threads:"); at != std::string::npos && std::atoi(&benchmark[at + 9]) > 1) {
    return CaseError{"multi-threaded: Valgrind runs one thread at a time, so contention, false sharing and "
                     "blocking are not what they are on hardware; count a single-threaded benchmark",
                     true};
  }
  // Does this libbenchmark take an iteration count? 1.7 rejects the flag and exits 1.
  external::LaunchSpec probe;
  probe.argv = base_argv(params);
  probe.argv.push_back("--benchmark_list_tests=true");
  probe.argv.push_back("--benchmark_filter=" + external::anchored_filter(benchmark));
  probe.argv.push_back("--benchmark_min_time=1x");
  const bool fixed_iterations = external::capture_output(std::move(probe), kListTimeoutMs).ok();
  const std::int64_t iterations = fixed_iterations ? counting.ops : 1;

  TempFile json;
  if (!json.ok()) return CaseError{fmt::format("cannot create a temporary file: {}", std::strerror(errno))};
  external::LaunchSpec spec;
  spec.argv = counting.valgrind;
  spec.argv.push_back("--dump-after=benchmark::State::StartKeepRunning()");
  spec.argv.push_back(std::string("--dump-before=benchmark::State::FinishKeepRunning()"));
  const std::size_t program = spec.argv.size();
  for (auto& word : base_argv(params)) spec.argv.push_back(std::move(word));
  spec.argv.push_back("--benchmark_filter=" + external::anchored_filter(benchmark));
  spec.argv.push_back(fmt::format("--benchmark_repetitions={}", counting.repetitions + 1));
  spec.argv.push_back(fixed_iterations ? fmt::format("--benchmark_min_time={}x", iterations)
                                       : std::string("--benchmark_min_time=0.000000001"));
  spec.argv.push_back("--benchmark_report_aggregates_only=false");
  spec.argv.push_back("--benchmark_enable_random_interleaving=false");
  spec.argv.push_back("--benchmark_out_format=json");
  spec.argv.push_back("--benchmark_out=" + json.path());
  auto launcher = external::Launcher::make(spec);
  if (!launcher) return CaseError{launcher.error().message};
  auto ran = launcher->run();
  if (!ran) return CaseError{ran.error().message};
  auto dumps = counting.collect();
  auto text = read_input_file(json.path(), "Google Benchmark JSON output", kMaxDataFileBytes);
  if (!ran->succeeded()) {
    if (text && !text->empty()) {
      auto parsed = external::read_gbench_json(*text, benchmark, {});
      if (auto* error = std::get_if<CaseError>(&parsed)) return *error;
    }
    std::string message = fmt::format("'{}' under Valgrind failed ({})", params.text("binary"), ran->outcome());
    if (auto tail = launcher->stderr_tail(); !tail.empty()) message += fmt::format("; its stderr ends:\n{}", tail);
    return CaseError{std::move(message)};
  }
  if (!text) return CaseError{text.error().message};
  if (!dumps) return CaseError{dumps.error().describe()};
  auto parsed = external::read_gbench_json(*text, benchmark, {});
  if (auto* error = std::get_if<CaseError>(&parsed)) return *error;
  const auto& reported = std::get<ExternalMeasurement>(parsed).details["iterations"];
  const auto wanted = static_cast<std::size_t>(counting.repetitions + 1);
  if (!reported.is_array() || reported.size() != wanted) {
    return CaseError{fmt::format("Google Benchmark reported {} repetitions where velo asked for {}",
                                 reported.is_array() ? reported.size() : 0, wanted)};
  }
  for (const auto& n : reported) {
    if (!n.is_number_integer() || n.get<std::int64_t>() != iterations) {
      return CaseError{fmt::format("Google Benchmark ran {} iterations in a repetition where velo asked for {}: "
                                   "counts per op would depend on timing",
                                   n.dump(), iterations)};
    }
  }
  std::vector<const CallgrindEvents*> loops;
  for (const auto& dump : *dumps) {
    if (dump.trigger == kLoopTrigger) loops.push_back(&dump);
  }
  // One loop per repetition; the loops of the first repetition's iteration estimate
  // (if GB made one) come before the repetitions it reported.
  if (loops.size() < wanted) {
    return CaseError{fmt::format("callgrind saw {} benchmark loops where Google Benchmark reported {} repetitions "
                                 "(is this binary linked with a libbenchmark that has State::FinishKeepRunning?)",
                                 loops.size(), wanted)};
  }
  CountedMeasurement out;
  for (std::size_t i = loops.size() - wanted + 1; i < loops.size(); ++i) {
    out.repetitions.push_back({.totals = loops[i]->totals, .ops = iterations});
  }
  out.details["benchmark"] = benchmark;
  out.details["argv"] = std::vector<std::string>(spec.argv.begin() + static_cast<std::ptrdiff_t>(program),
                                                  spec.argv.end());
  out.details["argv"].back() = "--benchmark_out=<temporary file>";
  out.notes.push_back(
      fixed_iterations
          ? "counted inside the benchmark loop only, in a fixed number of iterations ([run] ops)"
          : "counted inside the benchmark loop only, one iteration per repetition: this libbenchmark (before 1.8) "
            "takes no iteration count from the command line, and a count per op must not depend on timing");
  return out;
}

}  // namespace

Family make_gbench_family() {
  Family family;
  family.name = "gbench";
  family.doc = "Google Benchmark executables, one case per benchmark, each in its own process";
  family.op = "one iteration of the benchmark's loop";
  auto text = [](std::string name, std::string doc) {
    return ParamSpec{.name = std::move(name), .type = ParamType::text, .default_value = std::string(kNone),
                     .doc = std::move(doc)};
  };
  family.params = {
      text("binary", "path of the Google Benchmark executable (relative to where velo runs)"),
      text("filter", "--benchmark_filter regex choosing which listed benchmarks become cases"),
      text("args", "extra arguments for the binary, split like a command line"),
      text("higher_is_better", "user counters where more is better, separated by spaces or commas"),
  };
  family.headline = {"ns_per_op", "cpu_ns_per_op", "items_per_second", "bytes_per_second"};
  family.runner_probes = false;
  family.validate = validate;
  family.listed_param = Family::ListedParam{.name = "benchmark", .list = list_benchmarks};
  family.impls = {Implementation{
      .name = "gbench",
      .doc = "runs each listed benchmark with an anchored --benchmark_filter and reads its JSON",
      .measure = measure,
  }};
  return family;
}

std::variant<CountedMeasurement, CaseError> count_gbench(const Params& params, const ProcessCounting& counting) {
  return count(params, counting);
}

}  // namespace velo

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

}  // namespace velo

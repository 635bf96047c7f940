#include "runner/measure.hpp"

#include <benchmark/benchmark.h>
#include <fmt/format.h>

#include <exception>
#include <map>
#include <set>

#include "families/counted_process.hpp"
#include "families/family.hpp"
#include "runner/case_profiler.hpp"
#include "runner/measure_counts.hpp"
#include "runner/measure_process_counts.hpp"
#include "runner/probes.hpp"

namespace velo {

namespace {

// Keeps every repetition's run; aggregates are ignored (statistics are ours).
class CollectingReporter final : public benchmark::BenchmarkReporter {
 public:
  bool ReportContext(const Context&) override { return true; }
  void ReportRuns(const std::vector<Run>& runs) override {
    for (const Run& run : runs) {
      if (run.run_type == Run::RT_Iteration) runs_.push_back(run);
    }
  }
  const std::vector<Run>& runs() const { return runs_; }

 private:
  std::vector<Run> runs_;
};

class CounterSink final : public MetricSink {
 public:
  CounterSink(const Family& family, benchmark::State& state, std::set<std::string>& notes)
      : family_(family), state_(state), notes_(notes) {}
  void add(std::string_view metric, double value) override {
    // An undeclared metric is a programming error in the family: fail loudly.
    if (!family_.find_metric(metric)) {
      undeclared_ = std::string(metric);
      return;
    }
    state_.counters[std::string(metric)] = benchmark::Counter(value);
  }
  void note(std::string_view text) override { notes_.insert(std::string(text)); }
  const std::string& undeclared() const { return undeclared_; }

 private:
  const Family& family_;
  benchmark::State& state_;
  std::set<std::string>& notes_;
  std::string undeclared_;
};

report::CaseResult failed(report::CaseResult result, report::CaseStatus status, std::string reason) {
  result.status = status;
  result.reason = std::move(reason);
  result.metrics.clear();
  return result;
}

// A harness that measures itself (families/family.hpp, ExternalMeasure): its
// per-repetition values become the samples; the runner adds nothing of its own.
report::CaseResult measure_external(report::CaseResult result, const Implementation& impl,
                                    const std::optional<profiler::Options>& profile) {
  const Case& spec = result.spec;
  const ExternalRun run{.repetitions = spec.settings.repetitions, .min_time_s = spec.settings.min_time_s,
                        .warmup_s = spec.settings.warmup_s};
  std::variant<ExternalMeasurement, CaseError> measured;
  // The harness samples its own processes when asked (process_profile.hpp).
  ProcessProfileSlot slot(profile ? std::optional(CaseProfiler::for_processes(*profile)) : std::nullopt);
  try {
    measured = impl.measure(spec.params, run);
  } catch (const std::exception& e) {
    return failed(std::move(result), report::CaseStatus::failed, fmt::format("measuring threw: {}", e.what()));
  }
  if (auto* error = std::get_if<CaseError>(&measured)) {
    return failed(std::move(result), error->skip ? report::CaseStatus::skipped : report::CaseStatus::failed,
                  error->reason);
  }
  auto& out = std::get<ExternalMeasurement>(measured);
  for (auto& metric : out.metrics) {
    if (metric.samples.empty()) continue;
    report::MetricResult converted;
    converted.spec = std::move(metric.spec);
    converted.samples = std::move(metric.samples);
    converted.summary = stats::summarize(converted.samples);
    result.metrics.push_back(std::move(converted));
  }
  if (result.metrics.empty()) return failed(std::move(result), report::CaseStatus::failed, "no metric was measured");
  result.details = std::move(out.details);
  std::set<std::string> notes(out.notes.begin(), out.notes.end());
  if (profile) CaseProfiler::attach(*profile, slot.take(), result.details, notes);
  if (!notes.empty()) result.details["notes"] = std::vector<std::string>(notes.begin(), notes.end());
  result.status = report::CaseStatus::ok;
  return result;
}

}  // namespace

report::CaseResult measure_case(const Registry& registry, const Case& spec,
                                const std::optional<profiler::Options>& profile) {
  report::CaseResult result;
  result.spec = spec;
  if (spec.skip_reason) return failed(std::move(result), report::CaseStatus::skipped, *spec.skip_reason);

  const Family* family = registry.find(spec.family);
  const Implementation* impl = family ? family->find_impl(spec.impl) : nullptr;
  if (!impl) {
    return failed(std::move(result), report::CaseStatus::failed,
                  fmt::format("this velo has no implementation {}/{}", spec.family, spec.impl));
  }

  // An external family's operations run in other processes: in instruction mode the
  // family runs them under callgrind itself (runner/measure_process_counts.hpp); the
  // hardware counters count the worker's thread only, which does not follow them.
  if (spec.settings.measure.deterministic() && (impl->measure || !family->runner_probes)) {
    if (const ProcessCount* count = find_process_count(spec.family, spec.impl);
        count && spec.settings.measure.mode == MeasureMode::instructions) {
      return measure_process_counts(std::move(result), *count);
    }
    return failed(std::move(result), report::CaseStatus::skipped,
                  fmt::format("--measure {} does not follow the processes of {}/{}; measure it in time",
                              to_string(spec.settings.measure.mode), spec.family, spec.impl));
  }
  if (impl->measure) return measure_external(std::move(result), *impl, profile);

  // Before the workload: its team reads the setting when it is built.
  set_team_pinning(spec.settings.pin_threads);
  // Before the workload, so its threads are sampled; destroyed after it.
  // An external family's work runs in other processes: sampling the worker would
  // profile velo waiting for them (families/external/external.hpp).
  CaseProfiler profiler(family->runner_probes ? profile : std::nullopt);
  // ...it samples its processes itself, when it can (process_profile.hpp); the
  // slot is open before the workload is made and until it is gone.
  const bool external_profile = profile && !family->runner_probes;
  ProcessProfileSlot process_profile(external_profile ? std::optional(CaseProfiler::for_processes(*profile))
                                                      : std::nullopt);
  std::unique_ptr<Workload> workload;
  try {
    auto made = impl->make(spec.params);
    if (auto* error = std::get_if<CaseError>(&made)) {
      return failed(std::move(result), error->skip ? report::CaseStatus::skipped : report::CaseStatus::failed,
                    error->reason);
    }
    workload = std::move(std::get<std::unique_ptr<Workload>>(made));
    result.details = workload->details();
  } catch (const std::exception& e) {
    return failed(std::move(result), report::CaseStatus::failed, fmt::format("setup threw: {}", e.what()));
  }
  // Counts in a fixed number of ops instead of time (runner/measure_counts.hpp).
  if (spec.settings.measure.deterministic()) return measure_counts(std::move(result), *family, *workload);

  std::set<std::string> notes;
  std::vector<int> pinned_cpus;  // of the workload's team, when pinning is on
  std::string body_error;  // first error raised inside the benchmark body
  auto body = [&](benchmark::State& state) {
    try {
      workload->begin_repetition();
      RunProbes probes;
      const bool probing = family->runner_probes;
      if (probing) probes.begin();
      double seconds = 0;
      std::int64_t ops = 0;
      while (state.KeepRunningBatch(state.max_iterations)) {
        // The profiler is armed outside the allocation bracket: arming and
        // disarming are the harness's work, not the workload's.
        profiler.start();
        if (probing) probes.before_run();
        const double run_seconds = workload->run(state.max_iterations);
        if (probing) probes.after_run();
        profiler.stop();
        state.SetIterationTime(run_seconds);
        seconds += run_seconds;
        ops += state.max_iterations;
      }
      if (probing) {
        probes.end(
            ops, [&](std::string_view name, double value) { state.counters[std::string(name)] = benchmark::Counter(value); },
            [&](std::string_view text) { notes.insert(std::string(text)); });
      }
      if (!probes.pinned_cpus().empty()) pinned_cpus = probes.pinned_cpus();
      CounterSink sink(*family, state, notes);
      const Status status = workload->end_repetition(sink, ops, seconds);
      if (!status.ok()) {
        if (body_error.empty()) body_error = status.error().message;
        state.SkipWithError(status.error().message.c_str());
      } else if (!sink.undeclared().empty()) {
        body_error = fmt::format("internal error: metric '{}' is not declared by family '{}'", sink.undeclared(),
                                 family->name);
        state.SkipWithError(body_error.c_str());
      }
      profiler.drain_if_filling();
    } catch (const std::exception& e) {
      profiler.stop();  // run() threw while armed
      if (body_error.empty()) body_error = fmt::format("run threw: {}", e.what());
      state.SkipWithError(body_error.c_str());
    }
  };

  benchmark::ClearRegisteredBenchmarks();
  benchmark::RegisterBenchmark(spec.id.c_str(), body)
      ->UseManualTime()
      ->MinTime(spec.settings.min_time_s)
      ->MinWarmUpTime(spec.settings.warmup_s)
      ->Repetitions(spec.settings.repetitions)
      ->ReportAggregatesOnly(false)
      ->Unit(benchmark::kNanosecond);
  CollectingReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  benchmark::ClearRegisteredBenchmarks();

  for (const auto& run : reporter.runs()) {
    if (run.error_occurred) {
      return failed(std::move(result), report::CaseStatus::failed,
                    body_error.empty() ? run.error_message : body_error);
    }
  }
  if (reporter.runs().empty()) {
    return failed(std::move(result), report::CaseStatus::failed, "Google Benchmark reported no run");
  }

  // One sample per repetition for every metric, runner metrics first, then the
  // family's in declaration order. A metric missing from some repetition is
  // dropped entirely rather than reported from a subset.
  std::map<std::string, std::vector<double>> samples;
  for (const auto& run : reporter.runs()) {
    const double ops = static_cast<double>(run.iterations);
    const double seconds = run.real_accumulated_time;  // manual time
    samples[std::string(metrics::ns_per_op)].push_back(seconds * 1e9 / ops);
    samples[std::string(metrics::ops_per_s)].push_back(seconds > 0 ? ops / seconds : 0);
    for (const auto& [name, counter] : run.counters) samples[name].push_back(counter.value);
  }
  const std::size_t repetitions = reporter.runs().size();
  // Operations per repetition, chosen by Google Benchmark: exporters such as
  // benchstat's format carry them, and a reader can judge how long each sample ran.
  std::vector<std::int64_t> iterations;
  for (const auto& run : reporter.runs()) iterations.push_back(run.iterations);
  result.details["iterations"] = iterations;
  if (!pinned_cpus.empty()) result.details["pinned_cpus"] = pinned_cpus;
  auto emit = [&](const MetricSpec& metric_spec) {
    auto it = samples.find(metric_spec.name);
    if (it == samples.end() || it->second.size() != repetitions) return;
    report::MetricResult metric;
    metric.spec = metric_spec;
    metric.samples = it->second;
    metric.summary = stats::summarize(metric.samples);
    result.metrics.push_back(std::move(metric));
  };
  for (const auto& metric_spec : metrics::runner_metrics()) emit(metric_spec);
  for (const auto& metric_spec : family->metrics) emit(metric_spec);
  result.status = report::CaseStatus::ok;
  profiler.finish(result.details, notes);
  if (external_profile) CaseProfiler::attach(*profile, process_profile.take(), result.details, notes);
  // Per-case caveats travel in details; the run gathers them into the report's notes.
  if (!notes.empty()) result.details["notes"] = std::vector<std::string>(notes.begin(), notes.end());
  return result;
}

}  // namespace velo

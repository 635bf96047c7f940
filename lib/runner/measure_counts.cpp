#include "runner/measure_counts.hpp"

#include <dirent.h>
#include <unistd.h>
#if VELO_HAVE_VALGRIND_H
#include <valgrind/callgrind.h>
#else
// Built without Valgrind's headers (meson: dependency 'valgrind' not found): the
// client requests do nothing and the mode says why it cannot run.
#define RUNNING_ON_VALGRIND 0
#define CALLGRIND_ZERO_STATS
#define CALLGRIND_DUMP_STATS_AT(x)
#define CALLGRIND_START_INSTRUMENTATION
#endif

#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <map>
#include <set>

#include <fmt/format.h>

#include "core/count_metric.hpp"
#include "core/input_file.hpp"
#include "core/text.hpp"
#include "families/repeatable_work.hpp"
#include "hwcounters/perf_group.hpp"
#include "runner/callgrind_output.hpp"
#include "runner/valgrind.hpp"
#include "stats/summary.hpp"

namespace velo {

namespace {

constexpr std::size_t kMaxDumpBytes = 64u << 20;

// Threads of this process (/proc/self/task); 0 if it cannot be read.
int thread_count() {
  DIR* dir = ::opendir("/proc/self/task");
  if (!dir) return 0;
  int n = 0;
  while (const dirent* entry = ::readdir(dir)) {
    if (entry->d_name[0] != '.') ++n;
  }
  ::closedir(dir);
  return n;
}

// Verification keeps its meaning; the family's own metrics (latencies, rates) are
// timings, which a simulator or a fixed op count does not measure honestly.
class DiscardingSink final : public MetricSink {
 public:
  explicit DiscardingSink(std::set<std::string>& notes) : notes_(notes) {}
  void add(std::string_view, double) override {}
  void note(std::string_view text) override { notes_.insert(std::string(text)); }

 private:
  std::set<std::string>& notes_;
};

report::CaseResult finish(report::CaseResult result, report::CaseStatus status, std::string reason) {
  result.status = status;
  result.reason = std::move(reason);
  result.metrics.clear();
  return result;
}

// Why a workload with threads is not measured in this mode, or nullopt.
std::optional<std::string> threads_refused(int threads, const MeasureSettings& settings) {
  if (threads <= 1) return std::nullopt;
  if (settings.mode == MeasureMode::instructions) {
    if (settings.threaded) return std::nullopt;
    return fmt::format("multi-threaded ({} threads): Valgrind runs one thread at a time, so contention, false "
                       "sharing and blocking are not what they are on hardware (--threaded measures it anyway)",
                       threads);
  }
  return fmt::format("multi-threaded ({} threads): --measure counters counts the calling thread only", threads);
}

// The metrics of one repetition, by name.
using Values = std::vector<std::pair<std::string, double>>;

class Counter {
 public:
  virtual ~Counter() = default;
  virtual void start() = 0;
  // The repetition's counts per op, or an error.
  virtual Expected<Values> stop(std::int64_t ops) = 0;
};

class CallgrindCounter final : public Counter {
 public:
  explicit CallgrindCounter(std::string base) : base_(std::move(base)) {}
  void start() override { CALLGRIND_ZERO_STATS; }
  Expected<Values> stop(std::int64_t ops) override {
    CALLGRIND_DUMP_STATS_AT("velo measured repetition");
    // Dumps are numbered from 1 in the order they are made: base.1, base.2, ...
    const std::string path = fmt::format("{}.{}", base_, ++dumps_);
    auto text = read_input_file(path, "callgrind output", kMaxDumpBytes);
    if (!text.ok()) return text.error();
    std::error_code ec;
    std::filesystem::remove(path, ec);
    auto dump = parse_callgrind_dump(*text, path);
    if (!dump.ok()) return dump.error();
    if (last_.creator.empty()) last_ = *dump;
    auto counts = counts_per_op(*dump, ops);
    if (!counts.ok()) return counts.error();
    Values values;
    for (const auto& count : *counts) values.emplace_back(std::string(count.metric), count.value);
    return values;
  }
  const CallgrindDump& first_dump() const { return last_; }

 private:
  std::string base_;
  int dumps_ = 0;
  CallgrindDump last_;
};

class HardwareCounter final : public Counter {
 public:
  explicit HardwareCounter(hw::TeamCounters& counters) : counters_(counters) {}
  void start() override { counters_.start(); }
  Expected<Values> stop(std::int64_t ops) override {
    counters_.stop();
    Values values;
    for (const auto& [name, value] : hw::per_op_metrics(counters_.read(), ops)) values.emplace_back(name, value);
    if (values.empty()) return make_error("the hardware counters counted nothing");
    return values;
  }

 private:
  hw::TeamCounters& counters_;
};

const MetricSpec* spec_of(std::string_view name) {
  for (const auto* list : {&metrics::simulated_metrics(), &hw::metric_specs()}) {
    for (const auto& spec : *list) {
      if (spec.name == name) return &spec;
    }
  }
  return nullptr;
}

}  // namespace

std::vector<report::MetricResult> count_metrics(const std::vector<std::string>& order,
                                                const std::map<std::string, std::vector<double>>& samples,
                                                int repetitions) {
  std::vector<report::MetricResult> out;
  for (const auto& name : order) {
    const auto values = samples.find(name);
    const MetricSpec* spec = spec_of(name);
    if (!spec || values == samples.end() || values->second.size() != static_cast<std::size_t>(repetitions)) continue;
    report::MetricResult metric;
    metric.spec = *spec;
    metric.samples = values->second;
    metric.summary = stats::summarize(metric.samples);
    out.push_back(std::move(metric));
  }
  return out;
}

report::CaseResult measure_counts(report::CaseResult result, const Family& family, Workload& workload) {
  const MeasureSettings& settings = result.spec.settings.measure;
  const std::int64_t ops = settings.ops;
  const int repetitions = result.spec.settings.repetitions;
  std::set<std::string> notes;

  std::optional<hw::TeamCounters> hardware;
  std::unique_ptr<Counter> counter;
  CallgrindCounter* callgrind = nullptr;
  if (settings.mode == MeasureMode::instructions) {
    const char* base = std::getenv(kCallgrindOutEnv);
    if (!RUNNING_ON_VALGRIND || !base) {
      return finish(std::move(result), report::CaseStatus::failed,
                    "--measure instructions: this worker is not running under Valgrind (it needs process isolation)");
    }
    auto owned = std::make_unique<CallgrindCounter>(base);
    callgrind = owned.get();
    counter = std::move(owned);
    if (family.name == "io") {
      notes.insert("system calls run outside Valgrind's simulation: only the user-space instructions around them "
                   "are counted, not the kernel's work of moving the bytes");
    }
  } else {
    hardware.emplace(std::vector<pid_t>{::gettid()});
    if (!hardware->available()) {
      return finish(std::move(result), report::CaseStatus::skipped,
                    fmt::format("hardware counters unavailable: {}", hardware->unavailable_reason()));
    }
    counter = std::make_unique<HardwareCounter>(*hardware);
  }

  // Threads start in the workload's constructor (families/family.hpp), so they exist now.
  if (auto refused = threads_refused(thread_count(), settings)) {
    return finish(std::move(result), report::CaseStatus::skipped, *refused);
  }
  if (thread_count() > 1) {
    notes.insert("measured with --threaded: Valgrind ran the threads one at a time, so the counts include "
                 "waiting and need not repeat");
  }

  // A workload that replays its operations gets a second warm-up: the first replay brings
  // what it touches to the state the operations leave, the second settles the structure's
  // own layout (free nodes, buckets), which measurably differed in the first recorded one.
  int warmups = 1;
  if (auto* repeatable = dynamic_cast<RepeatableWork*>(&workload)) {
    repeatable->repeat_same_work();
    warmups = 2;
  }
  if (settings.mode == MeasureMode::instructions) CALLGRIND_START_INSTRUMENTATION;
  std::map<std::string, std::vector<double>> samples;
  std::vector<std::string> order;
  try {
    DiscardingSink sink(notes);
    // Repetitions up to 0 are the warm-up, measured and read like the others but not kept: caches
    // (simulated or not), pools and branch history settle, and every kept repetition
    // follows the same history (the previous one's run, dump, reading and verification),
    // so that the simulated misses repeat too, not only the instructions.
    for (int r = 1 - warmups; r <= repetitions; ++r) {
      workload.begin_repetition();
      counter->start();
      const double seconds = workload.run(ops);
      auto values = counter->stop(ops);
      if (auto status = workload.end_repetition(sink, ops, seconds); !status.ok()) {
        return finish(std::move(result), report::CaseStatus::failed, status.error().message);
      }
      if (!values.ok()) return finish(std::move(result), report::CaseStatus::failed, values.error().describe());
      if (r <= 0) continue;
      for (auto& [name, value] : *values) {
        auto& list = samples[name];
        if (list.empty()) order.push_back(name);
        list.push_back(value);
      }
    }
  } catch (const std::exception& e) {
    return finish(std::move(result), report::CaseStatus::failed, fmt::format("run threw: {}", e.what()));
  }
  if (thread_count() > 1 && !settings.threaded) {
    if (auto refused = threads_refused(thread_count(), settings)) {
      return finish(std::move(result), report::CaseStatus::skipped, *refused + " (started while running)");
    }
  }

  for (auto& metric : count_metrics(order, samples, repetitions)) result.metrics.push_back(std::move(metric));
  if (result.metrics.empty()) return finish(std::move(result), report::CaseStatus::failed, "no count was measured");

  result.details["measure"] = std::string(to_string(settings.mode));
  result.details["iterations"] = std::vector<std::int64_t>(static_cast<std::size_t>(repetitions), ops);
  if (callgrind) {
    const CallgrindDump& dump = callgrind->first_dump();
    const char* options = std::getenv(kValgrindOptionsEnv);
    // The cache geometry ("I1 cache: 32768 B, 64 B, 8-way associative"); the other
    // descriptions (time range, trigger) differ from dump to dump.
    std::vector<std::string> simulated;
    for (const auto& line : dump.descriptions) {
      if (line.find(" cache:") != std::string::npos) simulated.push_back(line);
    }
    result.details["valgrind"] = {{"version", dump.valgrind_version()},
                                  {"creator", dump.creator},
                                  {"options", options ? options : ""},
                                  {"simulated", simulated}};
  }
  if (!notes.empty()) result.details["notes"] = std::vector<std::string>(notes.begin(), notes.end());
  result.status = report::CaseStatus::ok;
  return result;
}

}  // namespace velo

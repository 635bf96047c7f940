// The contract between velo and a workload family.
//
// A Family declares its parameters, extra metrics and implementations (variants).
// The scenario module validates a scenario file against these declarations and
// expands it into cases; the runner builds one Workload per case (in a worker
// process) and drives it through Google Benchmark.
//
// Adding a variant: one file in lib/families/<family>/, one entry in that family's
// make_<family>_family(). Adding a family: a folder, and one line in register_all.cpp.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/metric.hpp"
#include "core/params.hpp"
#include "core/result.hpp"

namespace velo {

// Receives the extra metrics a workload measured over one repetition. A metric
// that was not measured is simply not added: velo never reports a made-up zero.
class MetricSink {
 public:
  virtual ~MetricSink() = default;
  virtual void add(std::string_view metric, double value) = 0;
  // A one-line caveat about this case's measurements, e.g. why hardware counters
  // are absent. The report keeps each distinct note once.
  virtual void note(std::string_view text) { (void)text; }
};

// One case's workload, built once per case outside the measured region.
//
// The runner calls, for every run Google Benchmark makes (iteration-count probes
// and each repetition):
//     begin_repetition();  seconds = run(ops);  end_repetition(sink, ops, seconds);
// Only run() is timed. Everything a workload allocates or starts (threads, files,
// sockets) belongs in its constructor, so none of it lands in the measurement.
class Workload {
 public:
  virtual ~Workload() = default;

  // Performs exactly `ops` operations (ops >= 1) and returns the wall-clock seconds
  // of the measured region only. A team of threads is timed from release to the
  // last member finishing (see threads/thread_team.hpp).
  virtual double run(std::int64_t ops) = 0;

  // Outside timing: reset per-repetition state (latency samplers, dropped caches).
  virtual void begin_repetition() {}

  // Outside timing: verify the work was really done (exact counts, bytes identical)
  // and report extra metrics for the run that just ended. An Error fails the case:
  // a variant that does the wrong thing never reports a speed.
  virtual Status end_repetition(MetricSink& sink, std::int64_t ops, double seconds) {
    (void)sink; (void)ops; (void)seconds;
    return {};
  }

  // Static facts about this case for the report (e.g. a struct layout, the
  // allocator that served it). Stored under the case's "details".
  virtual nlohmann::json details() const { return nlohmann::json::object(); }
};

// Why a case cannot run. `skip` = not applicable here (reported as skipped, exit 0);
// otherwise the case failed.
struct CaseError {
  std::string reason;
  bool skip = false;
};

using WorkloadFactory =
    std::function<std::variant<std::unique_ptr<Workload>, CaseError>(const Params&)>;

// What an external harness measured itself (families/external/): a Google
// Benchmark or Go benchmark binary picks its own iteration counts and reports one
// value per repetition, so the runner records them instead of timing run().
struct ExternalRun {
  int repetitions = 1;
  double min_time_s = 0.1;  // per repetition
  double warmup_s = 0;
};
struct ExternalMetric {
  MetricSpec spec;
  std::vector<double> samples;  // one per repetition
};
struct ExternalMeasurement {
  std::vector<ExternalMetric> metrics;
  nlohmann::json details = nlohmann::json::object();
  std::vector<std::string> notes;
};
using ExternalMeasure =
    std::function<std::variant<ExternalMeasurement, CaseError>(const Params&, const ExternalRun&)>;

struct Implementation {
  std::string name;  // the `impl` a scenario names
  std::string doc;   // one line: what design it implements
  std::vector<ParamSpec> params;  // parameters only this implementation takes

  // Why this implementation cannot run on this host at all (missing library,
  // kernel feature); nullopt if it can. Shown by `velo list`.
  std::function<std::optional<std::string>()> host_unsupported;

  // Why one parameter combination does not apply (e.g. an SPSC queue with two
  // producers); the case is reported `skipped` with this reason.
  std::function<std::optional<std::string>(const Params&)> case_unsupported;

  // Extra environment for the worker process running this case (e.g. LD_PRELOAD
  // of another allocator). Only honoured with process isolation.
  std::function<std::map<std::string, std::string>(const Params&)> worker_environment;

  WorkloadFactory make;
  // Set instead of `make` by a harness that measures itself (ExternalMeasure above).
  ExternalMeasure measure;
};

struct Family {
  std::string name;
  std::string doc;                // one line
  std::string op;                 // what one operation is, e.g. "one increment batch"
  std::vector<ParamSpec> params;  // parameters every implementation takes
  std::vector<MetricSpec> metrics;  // extra metrics its workloads add
  // Metrics shown in comparison tables, in order; the first is the one ratios use.
  std::vector<std::string> headline = {"ns_per_op", "ops_per_s"};

  // Cross-parameter validation (e.g. percentages summing to 100). An error here is
  // bad input: the scenario is rejected before anything runs.
  std::function<std::optional<std::string>(const Params&)> validate;

  // Renders a case's details() for people (e.g. a struct layout, pahole-style);
  // printed under the comparison table. Unset: details are only in the JSON.
  std::function<std::string(const nlohmann::json& details)> describe_details;

  std::vector<Implementation> impls;

  // External families (families/external/): parameters the family does not declare
  // are still accepted, as text, for substitution into a command line ("{size}").
  // Family::validate then rejects the ones nothing uses, so a typo is still caught.
  bool open_params = false;
  // The runner's in-process probes (the worker's CPU time, context switches and heap
  // allocations during run()) describe a workload only when its operations run in
  // the worker. An external family's operations run in other processes, so it turns
  // them off rather than report velo's own bookkeeping as the benchmark's.
  bool runner_probes = true;
  // External families whose cases come from their subject: a Google Benchmark
  // binary lists its benchmarks. For every matrix point, `list` returns the values
  // of the parameter `name`, one case each (its id carries name=value); an Error
  // refuses the scenario like any invalid parameter.
  struct ListedParam {
    std::string name;
    std::function<Expected<std::vector<std::string>>(const Params&)> list;
  };
  std::optional<ListedParam> listed_param;

  const Implementation* find_impl(std::string_view impl_name) const;
  // The declaration of `param` for `impl`: the family's own or the implementation's.
  const ParamSpec* find_param(const Implementation& impl, std::string_view param) const;
  const MetricSpec* find_metric(std::string_view metric) const;  // includes runner metrics

 private:
  // The text specs find_param hands out for undeclared names when open_params is
  // set (map nodes never move, so the pointers stay valid). Scenario expansion is
  // single-threaded; nothing else asks for parameters.
  mutable std::map<std::string, ParamSpec, std::less<>> open_specs_;
};

class Registry {
 public:
  void add(Family family);
  const Family* find(std::string_view name) const;
  const std::vector<Family>& families() const { return families_; }

 private:
  std::vector<Family> families_;
};

// Every family velo ships, registered through one explicit list (register_all.cpp)
// rather than static initialisers a linker could drop.
const Registry& registry();

}  // namespace velo

// The `command` family: one operation is one run of an external program, started
// without a shell (unless `shell = true`) and reaped with wait4 (launcher.hpp).
//
// What is timed: from posix_spawnp to wait4's return, for each run; `prepare`
// runs before every run and outside the clock; `setup` and `warmup_runs` once
// per worker process before the first repetition, `cleanup` once after the last.
// What is reported per run: wall ns_per_op (the runner's), the child's user and
// system CPU time and its peak RSS (wait4's rusage), and, when failures are
// allowed, the share of runs that failed; allocs_per_op and bytes_per_op counted by
// velo's preload library (see CommandWorkload). A run that exits non-zero or is killed
// by a signal fails the case with the end of its stderr, unless allow_failure.
#include <algorithm>
#include <cstdio>
#include <optional>
#include <set>

#include <fmt/format.h>

#include "core/text.hpp"
#include "families/external/command_line.hpp"
#include "families/external/external.hpp"
#include "families/external/launcher.hpp"
#include "families/external/preload.hpp"

namespace velo {
namespace {

using external::LaunchSpec;
using external::Launcher;

constexpr std::string_view kNone = "none";  // the default of an optional command text

// The parameters of the command family itself; every other key is a substitution.
std::vector<ParamSpec> command_params() {
  auto text = [](std::string name, std::string default_value, std::string doc) {
    return ParamSpec{.name = std::move(name), .type = ParamType::text, .default_value = std::move(default_value),
                     .doc = std::move(doc)};
  };
  return {
      text("command", std::string(kNone),
           "the program and its arguments, split into words like a shell would (quotes, backslashes) but run "
           "without one; {name} is replaced by parameter name"),
      {.name = "baseline_command", .type = ParamType::text, .default_value = std::string(kNone),
       .doc = "in a paired run (--baseline-dir, --baseline-binary): the base side's command, written like command "
              "(not part of the case id)",
       .in_id = false},
      {.name = "shell", .type = ParamType::boolean, .default_value = false,
       .doc = "run command, setup, prepare and cleanup through /bin/sh -c (the shell's start-up is then timed)"},
      text("setup", std::string(kNone), "run once per worker process before the first run (untimed)"),
      text("prepare", std::string(kNone), "run before every run (untimed)"),
      text("cleanup", std::string(kNone), "run once per worker process after the last run"),
      text("env", std::string(kNone), "extra environment: NAME=VALUE words, quoted like the command"),
      text("cwd", ".", "working directory of every command"),
      text("stdin", "/dev/null", "file every run reads as stdin"),
      text("output", "null", "stdout of every run: null (discarded), inherit (velo's stdout) or a file path "
                             "(truncated by each run: it holds the last run's output)"),
      {.name = "allow_failure", .type = ParamType::boolean, .default_value = false,
       .doc = "a run that exits non-zero is measured like any other (failed_runs_pct says how many did)"},
      {.name = "count_allocations", .type = ParamType::boolean, .default_value = true,
       .doc = "one extra, untimed run per repetition under velo's preload library counts allocs_per_op and "
              "bytes_per_op (false: no extra runs, no counts)"},
      text("count_function", std::string(kNone),
           "--measure instructions: count only inside this function (callgrind's --toggle-collect pattern, e.g. "
           "\"main\" or \"parse*\"); by default the whole process, start-up included"),
      {.name = "warmup_runs", .type = ParamType::integer, .default_value = std::int64_t{0},
       .doc = "untimed runs before the first repetition (besides [run] warmup)", .min = 0, .max = 100000},
  };
}

const std::vector<std::string>& texts_with_placeholders() {
  static const std::vector<std::string> names = {"command", "baseline_command", "setup", "prepare", "cleanup",
                                                 "env",     "cwd",              "stdin", "output"};
  return names;
}

bool is_declared(std::string_view name) {
  static const std::vector<ParamSpec> specs = command_params();
  return std::any_of(specs.begin(), specs.end(), [&](const ParamSpec& s) { return s.name == name; });
}

// The argv of one of the command texts, parameters substituted.
Expected<std::vector<std::string>> argv_of(std::string_view text, bool shell, const Params& params) {
  if (shell) return std::vector<std::string>{"/bin/sh", "-c", external::substitute(text, params)};
  auto words = external::split_words(text);
  if (!words) return words.error();
  for (auto& word : *words) word = external::substitute(word, params);
  if (words->empty()) return make_error("it holds no words");
  return words;
}

std::optional<std::string> validate(const Params& params) {
  // A key the family does not declare exists only to be substituted: one that no
  // text uses is a typo or a leftover, and would silently multiply identical cases.
  std::set<std::string> used;
  for (const auto& name : texts_with_placeholders()) {
    for (auto& p : external::placeholders(params.text(name))) used.insert(std::move(p));
  }
  for (const auto& [name, value] : params.values()) {
    if (is_declared(name) || used.count(name)) continue;
    std::vector<std::string> declared;
    for (const auto& spec : command_params()) declared.push_back(spec.name);
    std::string message = fmt::format("parameter '{}' is not used: no {{{}}} appears in {}", name, name,
                                      join(texts_with_placeholders(), ", "));
    if (auto hint = closest_match(name, declared)) message += fmt::format("; did you mean '{}'?", *hint);
    return message;
  }
  if (params.text("command") == kNone) {
    return "the command family needs 'command': the program and its arguments, e.g. command = \"./bench --size "
           "{size}\"";
  }
  const bool shell = params.boolean("shell");
  for (const char* name : {"command", "baseline_command", "setup", "prepare", "cleanup"}) {
    const std::string& text = params.text(name);
    if (name != std::string_view("command") && text == kNone) continue;
    if (auto argv = argv_of(text, shell, params); !argv) {
      return fmt::format("'{}' = \"{}\": {}", name, text, argv.error().message);
    }
  }
  if (params.text("env") != kNone) {
    auto words = external::split_words(params.text("env"));
    if (!words) return fmt::format("'env': {}", words.error().message);
    for (const auto& word : *words) {
      const auto equals = word.find('=');
      if (equals == std::string::npos || equals == 0) {
        return fmt::format("'env' must hold NAME=VALUE words, got \"{}\"", word);
      }
    }
  }
  return std::nullopt;
}

struct CommandSetup {
  LaunchSpec command;
  std::optional<LaunchSpec> setup, prepare, cleanup;
  bool allow_failure = false;
  bool count_allocations = true;
  std::int64_t warmup_runs = 0;
};

std::string describe_failure(const Launcher& launcher, const external::ChildRun& run) {
  std::string message = fmt::format("'{}' failed ({})", join(launcher.spec().argv, " "), run.outcome());
  if (auto tail = launcher.stderr_tail(); !tail.empty()) message += fmt::format("; its stderr ends:\n{}", tail);
  else message += "; it wrote nothing to stderr";
  return message + "\n(set allow_failure = true to measure failing runs)";
}

// Allocations of a command are counted by velo's preload library in the
// processes it starts (preload.hpp). Without --profile, the timed runs carry no
// preload: each repetition ends with one extra, untimed run under it, which gives
// that repetition's allocs_per_op and bytes_per_op. With --profile every timed run
// carries it (the sampler must see them), and the counts come from those runs;
// the profile so far is delivered to the runner at the end of each repetition
// (process_profile.hpp).
class CommandWorkload final : public Workload {
 public:
  CommandWorkload(Launcher command, CommandSetup setup) : command_(std::move(command)), setup_(std::move(setup)) {
    if (auto request = ProcessProfileSlot::request()) profile_processes(*request);
    if (!setup_.count_allocations) {
      counting_off_ = "count_allocations = false";
      return;
    }
    auto dir = external::PreloadDir::make(std::nullopt, false);
    if (!dir) {
      counting_off_ = dir.error().message;
      return;
    }
    LaunchSpec spec = command_.spec();
    dir->apply(spec);
    auto counted = Launcher::make(std::move(spec));
    if (!counted) {
      counting_off_ = counted.error().message;
      return;
    }
    counting_dir_.emplace(std::move(*dir));
    counted_.emplace(std::move(*counted));
  }

  ~CommandWorkload() override {
    if (!setup_.cleanup) return;
    // No case is left to fail by now; the worker's stderr is quoted if it dies.
    if (auto status = external::run_helper(*setup_.cleanup, "cleanup"); !status) {
      std::fprintf(stderr, "velo: %s\n", status.error().message.c_str());
    }
  }

  void begin_repetition() override {
    user_ns_ = system_ns_ = 0;
    peak_rss_bytes_ = 0;
    failed_runs_ = 0;
    allocations_ = {};
    allocations_off_.reset();
  }

  double run(std::int64_t ops) override {
    Launcher& timed = profiled_ ? *profiled_ : command_;
    std::int64_t wall_ns = 0;
    for (std::int64_t i = 0; i < ops && !error_; ++i) {
      if (setup_.prepare) {
        if (auto status = external::run_helper(*setup_.prepare, "prepare"); !status) {
          error_ = status.error().message;
          break;
        }
      }
      auto result = timed.run();
      if (!result) {
        error_ = result.error().message;
        break;
      }
      wall_ns += result->wall_ns;
      user_ns_ += nanoseconds(result->usage.ru_utime);
      system_ns_ += nanoseconds(result->usage.ru_stime);
      peak_rss_bytes_ = std::max<std::int64_t>(peak_rss_bytes_, std::int64_t{result->usage.ru_maxrss} * 1024);
      if (!result->succeeded()) {
        ++failed_runs_;
        if (!setup_.allow_failure) error_ = describe_failure(timed, *result);
      }
      if (profiled_) take_profiled_run();  // the clock stopped at wait4
    }
    return static_cast<double>(wall_ns) * 1e-9;
  }

  Status end_repetition(MetricSink& sink, std::int64_t ops, double) override {
    if (error_) return make_error(*error_);
    deliver_profile();
    const double runs = static_cast<double>(ops);
    sink.add("user_ns_per_op", static_cast<double>(user_ns_) / runs);
    sink.add("system_ns_per_op", static_cast<double>(system_ns_) / runs);
    if (peak_rss_bytes_ > 0) sink.add("peak_rss_bytes", static_cast<double>(peak_rss_bytes_));
    if (setup_.allow_failure) sink.add("failed_runs_pct", 100.0 * static_cast<double>(failed_runs_) / runs);
    if (!profiled_) {
      if (auto status = counted_run(); !status) return status;
      ops = 1;
    }
    if (allocations_off_) {
      sink.note(fmt::format("allocs_per_op and bytes_per_op not measured: {}", *allocations_off_));
    } else {
      sink.add(metrics::allocs_per_op, static_cast<double>(allocations_.allocations) / static_cast<double>(ops));
      sink.add(metrics::bytes_per_op, static_cast<double>(allocations_.bytes) / static_cast<double>(ops));
      sink.note(profiled_ ? "allocs_per_op and bytes_per_op: counted in the timed (profiled) runs by velo's preload "
                            "library, summed over every process of a run"
                          : "allocs_per_op and bytes_per_op: counted by velo's preload library in one extra, untimed "
                            "run per repetition, summed over every process of the run");
    }
    sink.note(
        "an external command runs in its own process: the worker's in-process metrics (cpu_ns_per_op, context "
        "switches) are not measured for it; user_ns_per_op and system_ns_per_op are its CPU time");
    return {};
  }

  nlohmann::json details() const override {
    nlohmann::json out;
    out["argv"] = command_.spec().argv;
    if (!command_.spec().extra_env.empty()) out["env"] = command_.spec().extra_env;
    if (!command_.spec().cwd.empty()) out["cwd"] = command_.spec().cwd;
    return out;
  }

 private:
  static std::int64_t nanoseconds(const timeval& tv) {
    return std::int64_t{tv.tv_sec} * 1'000'000'000 + std::int64_t{tv.tv_usec} * 1000;
  }

  void take_counts(const external::Harvest& harvest) {
    auto counts = external::command_allocations(harvest);
    if (auto* reason = std::get_if<std::string>(&counts)) {
      if (!allocations_off_) allocations_off_ = *reason;
      return;
    }
    allocations_.allocations += std::get<external::AllocationCounts>(counts).allocations;
    allocations_.bytes += std::get<external::AllocationCounts>(counts).bytes;
  }

  void take_profiled_run() {
    auto harvest = profile_dir_->harvest();
    if (!harvest) {
      error_ = harvest.error().describe();
      return;
    }
    if (setup_.count_allocations) take_counts(*harvest);
    else allocations_off_ = counting_off_;
    profiled_harvest_.absorb(std::move(*harvest));
  }

  // Every timed run carries the preload from now on (the constructor, before any run).
  void profile_processes(const ProcessProfileRequest& request) {
    profiling_ = true;
    auto dir = external::PreloadDir::make(request, false);
    if (!dir) {
      profile_off_ = dir.error().message;
      return;
    }
    LaunchSpec spec = command_.spec();
    dir->apply(spec);
    auto profiled = Launcher::make(std::move(spec));
    if (!profiled) {
      profile_off_ = profiled.error().message;
      return;
    }
    profile_dir_.emplace(std::move(*dir));
    profiled_.emplace(std::move(*profiled));
  }

  // What the runs so far sampled, handed to the runner (it keeps the last one).
  void deliver_profile() const {
    if (!profiling_) return;
    if (!profiled_) {
      ProcessProfileSlot::deliver({.off_reason = profile_off_});
      return;
    }
    ProcessProfileSlot::deliver(external::profile_of(profiled_harvest_));
  }

  // The untimed run that counts this repetition's allocations.
  Status counted_run() {
    if (!counted_) {
      allocations_off_ = counting_off_;
      return {};
    }
    if (setup_.prepare) {
      if (auto status = external::run_helper(*setup_.prepare, "prepare"); !status) return status;
    }
    auto result = counted_->run();
    if (!result) return result.error();
    if (!result->succeeded() && !setup_.allow_failure) {
      return make_error("the run counting allocations: " + describe_failure(*counted_, *result));
    }
    auto harvest = counting_dir_->harvest();
    if (!harvest) return harvest.error();
    take_counts(*harvest);
    return {};
  }

  Launcher command_;
  CommandSetup setup_;
  std::int64_t user_ns_ = 0, system_ns_ = 0, peak_rss_bytes_ = 0, failed_runs_ = 0;
  std::optional<std::string> error_;  // the first failure of this repetition
  // Allocation counting.
  std::optional<external::PreloadDir> counting_dir_;
  std::optional<Launcher> counted_;
  std::string counting_off_;
  external::AllocationCounts allocations_;
  std::optional<std::string> allocations_off_;  // this repetition's counts are missing, and why
  // Profiling (profile_processes).
  bool profiling_ = false;
  std::optional<external::PreloadDir> profile_dir_;
  std::optional<Launcher> profiled_;
  external::Harvest profiled_harvest_;
  std::string profile_off_;  // why profiling could not start
};

// The command, its helpers and options, parameters substituted.
std::variant<CommandSetup, CaseError> read_setup(const Params& params) {
  const bool shell = params.boolean("shell");
  LaunchSpec base;
  if (params.text("env") != kNone) {
    auto words = external::split_words(params.text("env"));
    if (!words) return CaseError{words.error().message};
    for (auto& word : *words) base.extra_env.push_back(external::substitute(word, params));
  }
  if (const std::string cwd = external::substitute(params.text("cwd"), params); cwd != ".") base.cwd = cwd;

  auto spec_for = [&](const char* name) -> Expected<std::optional<LaunchSpec>> {
    const std::string& text = params.text(name);
    if (name != std::string_view("command") && text == kNone) return std::optional<LaunchSpec>{};
    auto argv = argv_of(text, shell, params);
    if (!argv) return make_error(fmt::format("'{}': {}", name, argv.error().message));
    LaunchSpec spec = base;
    spec.argv = std::move(*argv);
    return std::optional<LaunchSpec>{std::move(spec)};
  };
  CommandSetup setup;
  setup.allow_failure = params.boolean("allow_failure");
  setup.count_allocations = params.boolean("count_allocations");
  setup.warmup_runs = params.integer("warmup_runs");
  for (auto [name, target] : {std::pair{"setup", &setup.setup}, std::pair{"prepare", &setup.prepare},
                              std::pair{"cleanup", &setup.cleanup}}) {
    auto spec = spec_for(name);
    if (!spec) return CaseError{spec.error().message};
    *target = std::move(*spec);
  }
  auto command_spec = spec_for("command");
  if (!command_spec) return CaseError{command_spec.error().message};
  setup.command = std::move(**command_spec);
  setup.command.stdin_path = external::substitute(params.text("stdin"), params);
  const std::string output = external::substitute(params.text("output"), params);
  setup.command.stdout_path = output == "null" ? "/dev/null" : output == "inherit" ? "" : output;
  return setup;
}

std::variant<std::unique_ptr<Workload>, CaseError> make_workload(const Params& params) {
  auto read = read_setup(params);
  if (auto* error = std::get_if<CaseError>(&read)) return *error;
  CommandSetup setup = std::move(std::get<CommandSetup>(read));
  LaunchSpec command = setup.command;

  // Setup first: it may create what the command reads (its stdin file, its cwd).
  if (setup.setup) {
    if (auto status = external::run_helper(*setup.setup, "setup"); !status) return CaseError{status.error().message};
  }
  // From here on a failure still runs cleanup, as the workload's destructor would.
  auto fail = [&](std::string reason) {
    if (setup.cleanup) (void)external::run_helper(*setup.cleanup, "cleanup");
    return CaseError{std::move(reason)};
  };
  auto launcher = Launcher::make(std::move(command));
  if (!launcher) return fail(launcher.error().message);
  for (std::int64_t i = 0; i < setup.warmup_runs; ++i) {
    auto run = launcher->run();
    if (!run) return fail(run.error().message);
    if (!run->succeeded() && !setup.allow_failure) return fail("warm-up run: " + describe_failure(*launcher, *run));
  }
  return std::make_unique<CommandWorkload>(std::move(*launcher), std::move(setup));
}

// --measure instructions (families/counted_process.hpp): each repetition is one run of
// the command under callgrind, following its child processes (--trace-children=yes),
// and counts every instruction of the process tree, start-up and exit included (the
// dynamic loader, static constructors), unless `count_function` names the function to
// count (callgrind's --toggle-collect). A run is a whole process, the same every time,
// so one run per repetition is enough and [run] ops does not apply; one unrecorded
// run comes first, as the warm-up of in-process cases. `prepare` runs before every
// run, `setup` and `cleanup` once, none of them counted.
std::variant<CountedMeasurement, CaseError> count_runs(const Params& params, const ProcessCounting& counting) {
  auto read = read_setup(params);
  if (auto* error = std::get_if<CaseError>(&read)) return *error;
  CommandSetup setup = std::move(std::get<CommandSetup>(read));
  LaunchSpec command = setup.command;
  command.argv = counting.valgrind;
  command.argv.emplace_back("--trace-children=yes");
  const std::string function = params.text("count_function");
  if (function != kNone) {
    command.argv.emplace_back("--collect-atstart=no");
    command.argv.emplace_back("--toggle-collect=" + function);
  }
  command.argv.insert(command.argv.end(), setup.command.argv.begin(), setup.command.argv.end());

  if (setup.setup) {
    if (auto status = external::run_helper(*setup.setup, "setup"); !status) return CaseError{status.error().message};
  }
  struct Cleanup {
    const std::optional<LaunchSpec>& spec;
    ~Cleanup() {
      if (spec) (void)external::run_helper(*spec, "cleanup");
    }
  } cleanup{setup.cleanup};
  auto launcher = Launcher::make(command);
  if (!launcher) return CaseError{launcher.error().message};
  CountedMeasurement out;
  for (int r = 0; r <= counting.repetitions; ++r) {
    if (setup.prepare) {
      if (auto status = external::run_helper(*setup.prepare, "prepare"); !status) {
        return CaseError{status.error().message};
      }
    }
    auto ran = launcher->run();
    if (!ran) return CaseError{ran.error().message};
    if (!ran->succeeded() && !setup.allow_failure) return CaseError{describe_failure(*launcher, *ran)};
    auto dumps = counting.collect();
    if (!dumps) return CaseError{dumps.error().describe()};
    if (dumps->empty()) return CaseError{"callgrind wrote no counts for the run"};
    if (r == 0) continue;
    CountedRepetition repetition{.ops = 1};
    for (const auto& dump : *dumps) add_events(repetition.totals, dump.totals);
    out.repetitions.push_back(std::move(repetition));
  }
  out.details["argv"] = setup.command.argv;
  out.notes.push_back(function == kNone
                          ? "counted the whole process tree of each run, start-up and exit included (the dynamic "
                            "loader, static constructors); count_function counts one function instead"
                          : fmt::format("counted only inside '{}' (callgrind --toggle-collect), in every process "
                                        "of the run",
                                        function));
  return out;
}

}  // namespace

Family make_command_family() {
  Family family;
  family.name = "command";
  family.doc = "external programs, one run per operation (what hyperfine measures), under velo's runner";
  family.op = "one run of the command: started, run to its exit, reaped";
  family.params = command_params();
  family.metrics = {
      {.name = "user_ns_per_op", .unit = "ns", .better = Better::lower,
       .doc = "user CPU time of one run (the child and the descendants it waited for)"},
      {.name = "system_ns_per_op", .unit = "ns", .better = Better::lower, .doc = "system CPU time of one run"},
      {.name = "peak_rss_bytes", .unit = "B", .better = Better::lower,
       .doc = "largest peak resident set of the runs of a repetition (wait4's ru_maxrss)"},
      {.name = "failed_runs_pct", .unit = "%", .better = Better::lower,
       .doc = "runs that exited non-zero or were killed (only with allow_failure)"},
  };
  family.headline = {"ns_per_op", "user_ns_per_op", "system_ns_per_op", "peak_rss_bytes"};
  family.open_params = true;
  family.runner_probes = false;
  family.validate = validate;
  family.impls = {Implementation{
      .name = "command",
      .doc = "runs `command` without a shell (or through /bin/sh -c with shell = true)",
      .make = make_workload,
  }};
  return family;
}

std::variant<CountedMeasurement, CaseError> count_command(const Params& params, const ProcessCounting& counting) {
  return count_runs(params, counting);
}

}  // namespace velo

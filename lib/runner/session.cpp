#include "runner/session.hpp"

#include <fmt/format.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <random>
#include <chrono>
#include <set>

#include "core/build_info.hpp"
#include "core/host.hpp"
#include "runner/child_process.hpp"
#include "runner/forks.hpp"
#include "runner/measure.hpp"
#include "runner/profile_files.hpp"
#include "runner/profile_request.hpp"
#include "runner/progress.hpp"
#include "runner/worker.hpp"

namespace velo {

namespace {

std::atomic<bool> g_interrupted{false};

extern "C" void on_interrupt(int sig) {
  g_interrupted.store(true);
  // A second signal kills velo at once (useful with --no-isolate, where a case
  // in progress cannot be abandoned).
  ::signal(sig, SIG_DFL);
}

// The signals that stop a run the way Ctrl-C does: finished cases are written, the
// report is marked incomplete, workers are killed. SIGTERM is what CI runners and
// `timeout` send, SIGHUP what a closed terminal or ssh session sends.
constexpr int kInterruptSignals[] = {SIGINT, SIGTERM, SIGHUP};

// Installs the handler for the session's lifetime.
class InterruptGuard {
 public:
  InterruptGuard() {
    g_interrupted.store(false);
    struct sigaction action {};
    action.sa_handler = on_interrupt;
    sigemptyset(&action.sa_mask);
    action.sa_flags = 0;  // no SA_RESTART: poll() returns EINTR and the runner reacts at once
    for (std::size_t i = 0; i < std::size(kInterruptSignals); ++i) {
      ::sigaction(kInterruptSignals[i], &action, &previous_[i]);
    }
  }
  ~InterruptGuard() {
    for (std::size_t i = 0; i < std::size(kInterruptSignals); ++i) {
      ::sigaction(kInterruptSignals[i], &previous_[i], nullptr);
    }
  }

 private:
  struct sigaction previous_[std::size(kInterruptSignals)] {};
};

// git and `velo --version` answer in milliseconds; a hung one must not hang the run.
constexpr std::chrono::seconds kCommandTimeout{10};

std::optional<std::string> command_line(const std::vector<std::string>& argv) {
  auto out = command_output(argv, kCommandTimeout);
  if (!out) return std::nullopt;
  while (!out->empty() && (out->back() == '\n' || out->back() == '\r')) out->pop_back();
  return out;
}

}  // namespace

report::Provenance capture_provenance() {
  report::Provenance provenance;
  provenance.velo_version = build::version();
  provenance.velo_commit = build::commit;
  std::error_code ec;
  provenance.directory = std::filesystem::current_path(ec).string();
  if (auto commit = command_line({"git", "rev-parse", "HEAD"})) {
    provenance.git_commit = *commit;
    if (auto status = command_line({"git", "status", "--porcelain", "--untracked-files=no"})) {
      provenance.git_dirty = !status->empty();
    }
  }
  return provenance;
}

Expected<report::Provenance> build_provenance(const std::string& velo_path) {
  // "./velo" rather than a PATH lookup of "velo": the option names a file.
  const std::string program = velo_path.find('/') == std::string::npos ? "./" + velo_path : velo_path;
  const auto out = command_line({program, "--version"});
  // "velo VERSION (COMMIT)", each part without spaces.
  const std::string_view text = out ? std::string_view(*out) : std::string_view();
  const auto open = text.find(" (");
  const bool shaped = text.starts_with("velo ") && text.ends_with(")") && open != std::string_view::npos &&
                      open > 5 && text.find(' ', 5) == open && text.find(' ', open + 2) == std::string_view::npos;
  if (!shaped) {
    return make_error(fmt::format("--baseline-velo {}: expected a velo binary, but `{} --version` did not print "
                                  "\"velo VERSION (COMMIT)\" within {}s",
                                  velo_path, velo_path, kCommandTimeout.count()));
  }
  report::Provenance provenance;
  provenance.velo_version = std::string(text.substr(5, open - 5));
  provenance.velo_commit = std::string(text.substr(open + 2, text.size() - open - 3));
  return provenance;
}

SessionResult run_session(const Registry& registry, const std::vector<Case>& cases,
                          std::vector<report::ScenarioRecord> scenarios, const SessionOptions& options) {
  const report::RunRequest& request = options.request;
  SessionResult outcome;
  report::Report& report = outcome.report;
  report.started_at = iso8601_utc_now();
  report.provenance = capture_provenance();
  report.environment = capture_environment();
  report.request = request;
  report.scenarios = std::move(scenarios);

  InterruptGuard guard;
  // Round r measures fork r of every case that has that many (runner/forks.hpp);
  // a skipped case takes one unit of progress, a case that fails stops early.
  int rounds = 1, units = 0;
  for (const Case& spec : cases) {
    rounds = std::max(rounds, spec.settings.forks);
    units += spec.skip_reason ? 1 : spec.settings.forks;
  }
  Progress progress(units, Progress::style_for(stderr, options.quiet));
  WorkerOptions worker;
  worker.executable = options.executable.empty() ? std::filesystem::read_symlink("/proc/self/exe").string()
                                                 : options.executable;
  worker.registry = &registry;
  worker.interrupted = &g_interrupted;
  worker.tick = [&progress] { progress.tick(); };
  const bool paired = request.baseline_velo.has_value() || !options.other_plugin_substitutes.empty() ||
                      !options.other_cases.empty();
  // The case the other side measures: the same one, or its base build's (external benchmarks).
  auto other_spec = [&](std::size_t i) -> const Case& {
    return options.other_cases.empty() ? cases[i] : options.other_cases[i];
  };
  // A case with no base build is measured on this side alone (its other side is skipped once).
  auto alone = [&](std::size_t i) { return paired && other_spec(i).skip_reason && !cases[i].skip_reason; };
  WorkerOptions other_worker = worker;
  if (request.baseline_velo) other_worker.executable = *request.baseline_velo;
  other_worker.plugin_substitutes = options.other_plugin_substitutes;

  std::set<std::string> notes, other_notes;
  ProfileFiles profile_files(request.profile_dir);
  // A case's result is final once its last fork is in or one fork did not end ok.
  auto finish = [&](report::CaseResult& result, std::set<std::string>& notes) {
    if (auto taken = profile_files.take(result); !taken.ok()) {
      // The same failure for every case (a full disk) is said once.
      std::string error = taken.error().describe();
      auto& errors = outcome.profile_errors;
      if (std::find(errors.begin(), errors.end(), error) == errors.end()) errors.push_back(std::move(error));
      result.details.erase("profile");  // its stacks are lost; stats without a file would mislead
    }
    if (result.details.contains("notes")) {
      for (const auto& note : result.details["notes"]) notes.insert(note.get<std::string>());
    }
  };
  std::vector<ForkedResult> forked, other_forked;
  for (std::size_t i = 0; i < cases.size(); ++i) {
    forked.emplace_back(cases[i]);
    other_forked.emplace_back(other_spec(i));
  }
  int unit = 0;
  for (int round = 0; round < rounds && !g_interrupted.load(); ++round) {
    for (std::size_t i = 0; i < cases.size(); ++i) {
      if (g_interrupted.load()) break;
      const Case& spec = cases[i];
      const int forks = spec.skip_reason ? 1 : spec.settings.forks;
      if (round >= forks) continue;
      // Failed or skipped itself in an earlier fork (on either side when paired).
      if (forked[i].ended() || (paired && !alone(i) && other_forked[i].ended())) {
        progress.forgo(1);
        continue;
      }
      progress.start_case(unit, forks > 1 || paired ? fmt::format("{} (fork {}/{}{})", spec.id, round + 1, forks,
                                                                  paired ? ", both builds" : "")
                                                      : spec.id);
      const auto profile_entry = request.profiles.find(spec.scenario);
      const std::optional<profiler::Options> profile =
          profile_entry == request.profiles.end() ? std::nullopt
                                                  : std::optional(to_profiler_options(profile_entry->second));
      auto measure = [&](const WorkerOptions& side, const Case& side_spec) {
        report::CaseResult result;
        if (side_spec.skip_reason) {
          result.spec = side_spec;
          result.status = report::CaseStatus::skipped;
          result.reason = *side_spec.skip_reason;
        } else if (request.isolate) {
          result = run_in_worker(fork_spec(side_spec, round), side, profile);
        } else {
          result = measure_case(registry, fork_spec(side_spec, round), profile);
        }
        return result;
      };
      // Paired: both builds measure the same fork back to back, which goes first
      // alternating, so interference lasting seconds hits both sides alike
      // (randomized multiple interleaved trials, Abedi and Brecht, ICPE 2017).
      const bool other_first = paired && (round + i) % 2 == 0;
      report::CaseResult other_result;
      if (other_first) other_result = measure(other_worker, other_spec(i));
      report::CaseResult result = g_interrupted.load() ? report::CaseResult{} : measure(worker, spec);
      if (paired && !other_first && !g_interrupted.load()) other_result = measure(other_worker, other_spec(i));
      if (g_interrupted.load()) break;  // a fork cut short is not reported as measured
      forked[i].add(std::move(result));
      if (paired && (!alone(i) || round == 0)) other_forked[i].add(std::move(other_result));
      ++unit;
      const bool done = forked[i].ended() || (paired && !alone(i) && other_forked[i].ended()) ||
                        forked[i].forks_done() == forks;
      progress.finish_case(forked[i].result(), done);
    }
    if (rounds > 1 && round + 1 < rounds && !g_interrupted.load()) progress.finish_round(round, rounds);
  }
  // Interrupted: the cases with at least one fork measured (report.complete says
  // the run was cut short).
  for (ForkedResult& one : forked) {
    if (one.forks_done() == 0) continue;
    const int forks = one.spec().skip_reason ? 1 : one.spec().settings.forks;
    const bool partial = one.forks_done() < forks && !one.ended();
    report::CaseResult result = one.take();
    result.partial = partial;
    if (partial) outcome.partial_cases.push_back(result.spec.id);
    else ++outcome.finished_cases;
    finish(result, notes);
    if (result.status == report::CaseStatus::failed || result.status == report::CaseStatus::timeout) {
      outcome.any_failed = true;
    }
    report.cases.push_back(std::move(result));
  }
  if (paired) {
    report::Report& other = outcome.other_build_report.emplace();
    for (ForkedResult& one : other_forked) {
      if (one.forks_done() == 0) continue;
      const int forks = one.spec().skip_reason ? 1 : one.spec().settings.forks;
      const bool partial = one.forks_done() < forks && !one.ended();
      report::CaseResult result = one.take();
      result.partial = partial;
      finish(result, other_notes);
      other.cases.push_back(std::move(result));
    }
  }
  progress.finish();
  if (auto merged = profile_files.write_merged(); !merged.ok()) {
    outcome.profile_errors.push_back(merged.error().describe());
  }
  outcome.profiled_cases = profile_files.cases();

  outcome.interrupted = g_interrupted.load();
  report.complete = !outcome.interrupted;
  report.finished_at = iso8601_utc_now();
  report.notes.assign(notes.begin(), notes.end());
  if (outcome.other_build_report) {
    // The same run as seen by the other build: its own cases and notes, and the
    // provenance of that build (velo_version and velo_commit from the caller).
    report::Report& other = *outcome.other_build_report;
    other.started_at = report.started_at;
    other.finished_at = report.finished_at;
    other.complete = report.complete;
    // The other build's version and commit; the directory's git state describes
    // this build's checkout, not the other's.
    other.provenance = report.provenance;
    other.provenance.velo_version = options.other_build.velo_version;
    other.provenance.velo_commit = options.other_build.velo_commit;
    other.provenance.git_commit.reset();
    other.provenance.git_dirty.reset();
    other.environment = report.environment;
    other.request = report.request;
    other.scenarios = report.scenarios;
    other.notes.assign(other_notes.begin(), other_notes.end());
    const std::string run_id = fmt::format("{:016x}", (std::uint64_t{std::random_device{}()} << 32) ^
                                                          std::random_device{}());
    report.pairing = report::Pairing{run_id, "head"};
    other.pairing = report::Pairing{run_id, "base"};
  }
  for (auto& note : profile_files.notes()) report.notes.push_back(std::move(note));
  if (!request.isolate) {
    report.notes.push_back("run with --no-isolate: cases shared one process, timeouts were not enforced and "
                           "peak RSS is not per case");
  }
  return outcome;
}

}  // namespace velo

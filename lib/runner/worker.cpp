#include "runner/worker.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <deque>
#include <iostream>
#include <iterator>
#include <sstream>

#include <fmt/format.h>

#include "families/family.hpp"
#include "runner/child_process.hpp"
#include "runner/measure.hpp"
#include "runner/valgrind.hpp"
#include "plugin/plugin.hpp"
#include "runner/worker_message.hpp"

namespace velo {

namespace {

constexpr int kResultFd = 3;
constexpr std::size_t kStderrTailLines = 20;

std::string stderr_tail(const std::string& text) {
  std::deque<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    lines.push_back(line);
    if (lines.size() > kStderrTailLines) lines.pop_front();
  }
  std::string tail;
  for (const auto& line : lines) tail += "\n  | " + line;
  return tail;
}

bool write_all(int fd, std::string_view data) {
  while (!data.empty()) {
    const ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

void set_cloexec(int fd) { ::fcntl(fd, F_SETFD, FD_CLOEXEC); }

std::string signal_text(int sig) {
  const char* abbrev = sigabbrev_np(sig);
  return fmt::format("SIG{} ({})", abbrev ? abbrev : "?", strsignal(sig));
}

}  // namespace

report::CaseResult run_in_worker(const Case& spec, const WorkerOptions& options,
                                 const std::optional<profiler::Options>& profile) {
  using Clock = std::chrono::steady_clock;
  report::CaseResult result;
  result.spec = spec;
  auto fail = [&](report::CaseStatus status, std::string reason) {
    result.status = status;
    result.reason = std::move(reason);
    result.metrics.clear();
    return result;
  };

  std::map<std::string, std::string> environment;
  if (const Family* family = options.registry->find(spec.family)) {
    if (const Implementation* impl = family->find_impl(spec.impl); impl && impl->worker_environment) {
      environment = impl->worker_environment(spec.params);
    }
  }

  // --measure instructions: the worker runs under callgrind (runner/valgrind.hpp), unless
  // the case's work runs in other processes (an external family or variant, which runs
  // them under callgrind itself: runner/measure_process_counts.hpp).
  const Family* family = options.registry->find(spec.family);
  const Implementation* impl = family ? family->find_impl(spec.impl) : nullptr;
  std::optional<ValgrindLaunch> valgrind;
  if (spec.settings.measure.mode == MeasureMode::instructions && family && family->runner_probes &&
      !(impl && impl->measure)) {
    auto prepared = ValgrindLaunch::prepare(spec.settings.measure);
    if (!prepared.ok()) return fail(report::CaseStatus::failed, prepared.error().message);
    valgrind.emplace(std::move(*prepared));
    for (const auto& [key, value] : valgrind->environment()) environment[key] = value;
  }
  std::vector<std::string> command = valgrind ? valgrind->prefix() : std::vector<std::string>{};
  command.push_back(options.executable);
  command.push_back("__worker");
  std::vector<const char*> argv;  // built before fork: the child only calls exec
  for (const auto& word : command) argv.push_back(word.c_str());
  argv.push_back(nullptr);

  const std::string request =
      worker_request_to_json({.spec = spec, .profile = profile, .plugin_substitutes = options.plugin_substitutes});

  int in_pipe[2], result_pipe[2], err_pipe[2];
  if (::pipe(in_pipe) != 0 || ::pipe(result_pipe) != 0 || ::pipe(err_pipe) != 0) {
    return fail(report::CaseStatus::failed, fmt::format("cannot create pipes: {}", std::strerror(errno)));
  }
  for (int fd : {in_pipe[1], result_pipe[0], err_pipe[0]}) set_cloexec(fd);

  const auto started = Clock::now();
  const pid_t parent = ::getpid();
  const pid_t pid = ::fork();
  if (pid < 0) return fail(report::CaseStatus::failed, fmt::format("cannot fork: {}", std::strerror(errno)));
  if (pid == 0) {
    // Child: own process group (a terminal's Ctrl-C goes to the parent, which
    // decides), request on stdin, result on fd 3, stderr captured.
    die_with_parent(parent);  // a killed velo leaves no worker spinning behind
    ::setpgid(0, 0);
    ::dup2(in_pipe[0], STDIN_FILENO);
    ::dup2(err_pipe[1], STDERR_FILENO);
    ::dup2(result_pipe[1], kResultFd);
    for (int fd : {in_pipe[0], err_pipe[1], result_pipe[1]}) {
      if (fd > kResultFd) ::close(fd);
    }
    for (const auto& [key, value] : environment) ::setenv(key.c_str(), value.c_str(), 1);
    ::setenv("VELO_WORKER", "1", 1);
    ::execv(argv[0], const_cast<char* const*>(argv.data()));
    std::fprintf(stderr, "cannot execute %s: %s\n", argv[0], std::strerror(errno));
    ::_exit(127);
  }
  ::setpgid(pid, pid);  // also from the parent, so there is no window where it's unset
  ::close(in_pipe[0]);
  ::close(result_pipe[1]);
  ::close(err_pipe[1]);

  // The request is small; the worker reads it before doing anything else.
  ::signal(SIGPIPE, SIG_IGN);
  write_all(in_pipe[1], request);
  ::close(in_pipe[1]);

  std::string answer, errors;
  bool answer_open = true, errors_open = true, timed_out = false, interrupted = false;
  const auto deadline = started + std::chrono::duration_cast<Clock::duration>(
                                      std::chrono::duration<double>(spec.settings.timeout_s));
  char buffer[65536];
  while (answer_open || errors_open) {
    if (options.interrupted && options.interrupted->load()) {
      interrupted = true;
      break;
    }
    const auto now = Clock::now();
    if (now >= deadline) {
      timed_out = true;
      break;
    }
    pollfd fds[2] = {{result_pipe[0], static_cast<short>(answer_open ? POLLIN : 0), 0},
                     {err_pipe[0], static_cast<short>(errors_open ? POLLIN : 0), 0}};
    const auto left_ms = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now).count();
    const int ready = ::poll(fds, 2, static_cast<int>(std::min<long long>(left_ms + 1, 250)));
    if (options.tick) options.tick();
    if (ready < 0) {
      if (errno == EINTR) continue;
      break;
    }
    auto drain = [&](int fd, short revents, std::string& into, bool& open) {
      if (!(revents & (POLLIN | POLLHUP | POLLERR))) return;
      const ssize_t n = ::read(fd, buffer, sizeof buffer);
      if (n > 0) into.append(buffer, static_cast<std::size_t>(n));
      else if (n == 0 || errno != EINTR) open = false;
    };
    drain(result_pipe[0], fds[0].revents, answer, answer_open);
    drain(err_pipe[0], fds[1].revents, errors, errors_open);
  }
  ::close(result_pipe[0]);
  ::close(err_pipe[0]);
  if (timed_out || interrupted) ::kill(-pid, SIGKILL);

  int status = 0;
  struct rusage usage {};
  while (::wait4(pid, &status, 0, &usage) < 0 && errno == EINTR) {
  }
  result.wall_seconds = std::chrono::duration<double>(Clock::now() - started).count();
  result.peak_rss_bytes = static_cast<std::int64_t>(usage.ru_maxrss) * 1024;  // ru_maxrss is in KiB

  if (interrupted) return fail(report::CaseStatus::failed, "interrupted");
  if (timed_out) {
    return fail(report::CaseStatus::timeout,
                fmt::format("no result within the {}s timeout; the worker was killed", spec.settings.timeout_s));
  }
  if (WIFSIGNALED(status)) {
    return fail(report::CaseStatus::failed,
                fmt::format("worker killed by {}{}", signal_text(WTERMSIG(status)), stderr_tail(errors)));
  }
  if (WEXITSTATUS(status) != 0 || answer.empty()) {
    return fail(report::CaseStatus::failed,
                fmt::format("worker exited with status {} without a result{}", WEXITSTATUS(status),
                            stderr_tail(errors)));
  }
  auto parsed = parse_worker_answer(answer);
  if (!parsed.ok()) {
    return fail(report::CaseStatus::failed, fmt::format("unreadable worker result: {}", parsed.error().describe()));
  }
  report::CaseResult measured = std::move(*parsed);
  measured.spec = spec;  // the parent's copy is authoritative
  measured.wall_seconds = result.wall_seconds;
  measured.peak_rss_bytes = result.peak_rss_bytes;
  return measured;
}

int worker_main(const Registry& registry) {
  std::string text{std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>()};
  auto request = parse_worker_request(text);
  if (!request.ok()) {
    std::fprintf(stderr, "velo worker: bad request: %s\n", request.error().describe().c_str());
    return 2;
  }
  // The plugin of this case's implementation (or its base build), before the case is built.
  nlohmann::json plugin_settings = nlohmann::json::object();
  if (!request->plugin_substitutes.empty()) plugin_settings["plugin_substitutes"] = request->plugin_substitutes;
  if (auto loaded = plugin::load_for_worker(plugin_settings); !loaded.ok()) {
    std::fprintf(stderr, "velo worker: %s\n", loaded.error().describe().c_str());
    return 2;
  }
  report::CaseResult result = measure_case(registry, request->spec, request->profile);
  const std::string answer = worker_answer_to_json(result);
  if (!write_all(kResultFd, answer)) {
    std::fprintf(stderr, "velo worker: cannot write the result to fd %d: %s\n", kResultFd, std::strerror(errno));
    return 2;
  }
  return 0;
}

}  // namespace velo

#include "families/external/launcher.hpp"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <poll.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>

#include <fmt/format.h>

#include "core/text.hpp"

extern char** environ;

namespace velo::external {

bool ChildRun::succeeded() const { return WIFEXITED(wait_status) && WEXITSTATUS(wait_status) == 0; }

std::string ChildRun::outcome() const {
  if (WIFEXITED(wait_status)) return fmt::format("exit status {}", WEXITSTATUS(wait_status));
  if (WIFSIGNALED(wait_status)) {
    const char* name = ::sigabbrev_np(WTERMSIG(wait_status));
    return name ? fmt::format("killed by SIG{}", name) : fmt::format("killed by signal {}", WTERMSIG(wait_status));
  }
  return fmt::format("wait status {:#x}", wait_status);
}

Expected<Launcher> Launcher::make(LaunchSpec spec) {
  if (spec.argv.empty() || spec.argv.front().empty()) return make_error("the command is empty");
  if (!spec.cwd.empty()) {
    struct stat st{};
    if (::stat(spec.cwd.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
      return make_error(fmt::format("working directory '{}' is not a directory", spec.cwd));
    }
  }
  if (::access(spec.stdin_path.c_str(), R_OK) != 0) {
    return make_error(fmt::format("stdin file '{}' cannot be read: {}", spec.stdin_path, std::strerror(errno)));
  }
  Launcher launcher(std::move(spec));
  // The environment: the worker's, with the scenario's variables replacing or added.
  auto name_of = [](std::string_view entry) { return entry.substr(0, entry.find('=')); };
  for (char** e = environ; e && *e; ++e) {
    const std::string_view entry(*e);
    bool replaced = false;
    for (const auto& extra : launcher.spec_.extra_env) replaced = replaced || name_of(extra) == name_of(entry);
    if (!replaced) launcher.env_storage_.emplace_back(entry);
  }
  for (const auto& extra : launcher.spec_.extra_env) launcher.env_storage_.push_back(extra);
  launcher.stderr_fd_ = ::memfd_create("velo-command-stderr", MFD_CLOEXEC);
  if (launcher.stderr_fd_ < 0) return make_error(fmt::format("memfd_create: {}", std::strerror(errno)));
  return Expected<Launcher>(std::move(launcher));
}

Launcher::Launcher(Launcher&& other) noexcept
    : spec_(std::move(other.spec_)),
      env_storage_(std::move(other.env_storage_)),
      argv_(std::move(other.argv_)),
      envp_(std::move(other.envp_)),
      stderr_fd_(other.stderr_fd_) {
  other.stderr_fd_ = -1;
}

Launcher::~Launcher() {
  if (stderr_fd_ >= 0) ::close(stderr_fd_);
}

Expected<ChildRun> Launcher::run(int timeout_ms) {
  // Everything but spawn and wait happens before the clock starts.
  if (::ftruncate(stderr_fd_, 0) != 0 || ::lseek(stderr_fd_, 0, SEEK_SET) != 0) {
    return make_error(fmt::format("cannot reset the stderr buffer: {}", std::strerror(errno)));
  }
  // Pointers into the strings, taken here: a moved Launcher's short strings move.
  argv_.clear();
  for (auto& arg : spec_.argv) argv_.push_back(arg.data());
  argv_.push_back(nullptr);
  envp_.clear();
  for (auto& entry : env_storage_) envp_.push_back(entry.data());
  envp_.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawnattr_t attr;
  ::posix_spawn_file_actions_init(&actions);
  ::posix_spawnattr_init(&attr);
  ::posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, spec_.stdin_path.c_str(), O_RDONLY, 0);
  if (spec_.stdout_fd >= 0) {
    ::posix_spawn_file_actions_adddup2(&actions, spec_.stdout_fd, STDOUT_FILENO);
  } else if (!spec_.stdout_path.empty()) {
    ::posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, spec_.stdout_path.c_str(),
                                       O_WRONLY | O_CREAT | O_TRUNC, 0644);
  }
  ::posix_spawn_file_actions_adddup2(&actions, stderr_fd_, STDERR_FILENO);
  ::posix_spawn_file_actions_addclosefrom_np(&actions, 3);
  if (!spec_.cwd.empty()) ::posix_spawn_file_actions_addchdir_np(&actions, spec_.cwd.c_str());
  sigset_t all, none;
  ::sigfillset(&all);
  ::sigemptyset(&none);
  ::posix_spawnattr_setsigdefault(&attr, &all);
  ::posix_spawnattr_setsigmask(&attr, &none);
  ::posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);

  ChildRun result;
  pid_t pid = 0;
  const auto start = std::chrono::steady_clock::now();
  const int spawned = ::posix_spawnp(&pid, argv_[0], &actions, &attr, argv_.data(), envp_.data());
  int waited = -1;
  if (spawned == 0 && timeout_ms > 0) {
    // Only here, outside any measurement: wait on a pidfd for the deadline.
    const int pidfd = static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
    if (pidfd >= 0) {
      pollfd ready{pidfd, POLLIN, 0};
      int polled = 0;
      do {
        polled = ::poll(&ready, 1, timeout_ms);
      } while (polled < 0 && errno == EINTR);
      if (polled == 0) {
        ::kill(pid, SIGKILL);
        result.timed_out = true;
      }
      ::close(pidfd);
    }
  }
  if (spawned == 0) {
    do {
      waited = ::wait4(pid, &result.wait_status, 0, &result.usage);
    } while (waited < 0 && errno == EINTR);
  }
  const auto end = std::chrono::steady_clock::now();
  ::posix_spawn_file_actions_destroy(&actions);
  ::posix_spawnattr_destroy(&attr);
  if (spawned != 0) {
    return make_error(fmt::format("cannot run '{}': {}", spec_.argv.front(), std::strerror(spawned)));
  }
  if (waited != pid) return make_error(fmt::format("wait4 for '{}' failed: {}", spec_.argv.front(), std::strerror(errno)));
  result.wall_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(end - start).count();
  return result;
}

std::string Launcher::stderr_tail(int lines) const {
  constexpr off_t kKept = 4096;
  struct stat st{};
  if (::fstat(stderr_fd_, &st) != 0 || st.st_size == 0) return {};
  const off_t from = st.st_size > kKept ? st.st_size - kKept : 0;
  std::string text(static_cast<std::size_t>(st.st_size - from), '\0');
  const ssize_t n = ::pread(stderr_fd_, text.data(), text.size(), from);
  if (n <= 0) return {};
  text.resize(static_cast<std::size_t>(n));
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  std::size_t start = text.size();
  for (int seen = 0; start > 0; --start) {
    if (text[start - 1] == '\n' && ++seen == lines) break;
  }
  return valid_utf8(text.substr(start));
}

Status run_helper(const LaunchSpec& spec, std::string_view role) {
  auto launcher = Launcher::make(spec);
  if (!launcher) return make_error(fmt::format("{} command: {}", role, launcher.error().message));
  auto run = launcher->run();
  if (!run) return make_error(fmt::format("{} command: {}", role, run.error().message));
  if (!run->succeeded()) {
    std::string message = fmt::format("{} command '{}' failed ({})", role, join(spec.argv, " "), run->outcome());
    if (auto tail = launcher->stderr_tail(); !tail.empty()) message += fmt::format("; its stderr ends:\n{}", tail);
    return make_error(std::move(message));
  }
  return {};
}

}  // namespace velo::external

namespace velo::external {

Expected<std::string> capture_output(LaunchSpec spec, int timeout_ms, std::size_t max_bytes) {
  const int out = ::memfd_create("velo-command-stdout", MFD_CLOEXEC);
  if (out < 0) return make_error(fmt::format("memfd_create: {}", std::strerror(errno)));
  struct Closer {
    int fd;
    ~Closer() { ::close(fd); }
  } closer{out};
  spec.stdout_fd = out;
  const std::string program = join(spec.argv, " ");
  auto launcher = Launcher::make(std::move(spec));
  if (!launcher) return launcher.error();
  auto run = launcher->run(timeout_ms);
  if (!run) return run.error();
  if (run->timed_out) {
    return make_error(fmt::format("'{}' did not finish within {} s and was killed", program, timeout_ms / 1000.0));
  }
  if (!run->succeeded()) {
    std::string message = fmt::format("'{}' failed ({})", program, run->outcome());
    if (auto tail = launcher->stderr_tail(); !tail.empty()) message += fmt::format("; its stderr ends:\n{}", tail);
    return make_error(std::move(message));
  }
  struct stat st{};
  if (::fstat(out, &st) != 0) return make_error(fmt::format("fstat: {}", std::strerror(errno)));
  if (static_cast<std::size_t>(st.st_size) > max_bytes) {
    return make_error(fmt::format("'{}' wrote more than {} bytes to stdout", program, max_bytes));
  }
  std::string text(static_cast<std::size_t>(st.st_size), '\0');
  std::size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::pread(out, text.data() + done, text.size() - done, static_cast<off_t>(done));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    done += static_cast<std::size_t>(n);
  }
  text.resize(done);
  return text;
}

}  // namespace velo::external

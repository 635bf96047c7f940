// Starting an external program for one measured run and reaping it, the way
// hyperfine does (spawn, wait, read the child's resource usage), with nothing of
// velo's own in between.
//
// Contract:
// - No shell: argv[0] is looked up in PATH (posix_spawnp) and exec'd directly.
// - The child gets stdin from a file (default /dev/null), stdout to a file or
//   /dev/null (or velo's own stdout), stderr into a memory file velo keeps so a
//   failed run can be quoted; every other descriptor is closed, so a benchmark
//   can never write into the worker's result pipe (fd 3).
// - Signal dispositions and the signal mask are reset to the defaults.
// - The child stays in the worker's process group: when the runner kills a worker
//   that ran past its timeout (or on Ctrl-C) it kills the group, and the command
//   and everything it started go with it. A program that moves itself into a new
//   session (setsid) escapes this; velo cannot follow it.
// - Timing: the wall clock (steady_clock) is read right before posix_spawnp and
//   right after wait4 returns, so a run's time includes starting the process and
//   reaping it, as hyperfine's does. User and system CPU time and peak RSS come
//   from wait4's rusage: the child's own and that of descendants it waited for.
//
// glibc's posix_spawn uses clone(CLONE_VM | CLONE_VFORK): the worker's memory is
// not copied, so starting a command costs the same however large velo is.
#pragma once

#include <sys/resource.h>

#include <cstdint>
#include <string>
#include <vector>

#include "core/result.hpp"

namespace velo::external {

struct LaunchSpec {
  std::vector<std::string> argv;               // argv[0]: a path, or a name found in PATH
  std::vector<std::string> extra_env;          // "NAME=VALUE", added to (or replacing in) the worker's environment
  std::string cwd;                             // empty: the worker's working directory
  std::string stdin_path = "/dev/null";
  std::string stdout_path = "/dev/null";       // empty: velo's own stdout
  int stdout_fd = -1;                          // set: stdout goes here instead of stdout_path
};

struct ChildRun {
  std::int64_t wall_ns = 0;
  rusage usage{};
  int wait_status = 0;
  bool timed_out = false;      // killed by run()'s own deadline

  bool succeeded() const;      // exited with status 0
  std::string outcome() const; // "exit status 3", "killed by SIGSEGV"
};

class Launcher {
 public:
  // Checks what can be checked before the first run (stdin readable, cwd a directory).
  static Expected<Launcher> make(LaunchSpec spec);
  Launcher(Launcher&&) noexcept;
  Launcher& operator=(Launcher&&) = delete;
  Launcher(const Launcher&) = delete;
  ~Launcher();

  // One run. An Error means the program could not be started at all (not found,
  // not executable); a program that ran and failed is a ChildRun with its status.
  // With a timeout (milliseconds, > 0) the program is killed (SIGKILL) when it
  // runs longer; used where no worker timeout protects velo (listing benchmarks).
  Expected<ChildRun> run(int timeout_ms = 0);

  // The last `lines` lines of the last run's stderr (at most 4 KiB).
  std::string stderr_tail(int lines = 20) const;

  const LaunchSpec& spec() const { return spec_; }

 private:
  explicit Launcher(LaunchSpec spec) : spec_(std::move(spec)) {}

  LaunchSpec spec_;
  std::vector<std::string> env_storage_;
  std::vector<char*> argv_, envp_;
  int stderr_fd_ = -1;  // memfd
};

// Runs a helper command (setup, prepare, cleanup) to completion: an Error names
// `role` and quotes the end of its stderr when it cannot start or does not exit 0.
Status run_helper(const LaunchSpec& spec, std::string_view role);

// Runs `spec` to completion within `timeout_ms` and returns its stdout (at most
// `max_bytes`); an Error says why not (cannot start, non-zero exit with the end
// of its stderr, too slow).
Expected<std::string> capture_output(LaunchSpec spec, int timeout_ms, std::size_t max_bytes = 16 << 20);

}  // namespace velo::external

// Children velo starts and waits for (workers, `--baseline-velo PATH --version`,
// git) never outlive it and never make it wait forever.
//
// Every child asks the kernel for SIGKILL when velo dies (PR_SET_PDEATHSIG, kept
// across exec), then checks that its parent is still the process that forked it:
// if velo died between fork() and prctl(), the signal will never come, so the
// child exits instead (the race prctl(2) describes). Every wait has a deadline,
// after which the child's whole process group is killed.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace velo {

// Called in a freshly forked child, with the pid of the process that forked it
// (read with getpid() before fork()). Exits the child if that process is gone.
void die_with_parent(pid_t parent);

// Runs argv[0] (looked up in PATH) with argv, no shell, stdin and stderr on
// /dev/null, in its own process group. Returns its stdout (at most 64 KiB kept)
// if it exits 0 within `timeout`; nullopt if it cannot start, fails or is killed
// for taking too long.
std::optional<std::string> command_output(const std::vector<std::string>& argv, std::chrono::milliseconds timeout);

}  // namespace velo

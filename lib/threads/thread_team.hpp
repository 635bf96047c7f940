// A persistent team of threads that runs one round of work at a time.
//
// Every thread a workload runs belongs to a team, for three reasons: threads are
// started once (outside the measured region), a round is timed the same way for
// every family (from release to the last member finishing), and the sampling
// profiler sees every thread through the hooks below.
//
// Member 0 is the thread that calls run(); members 1..size-1 are owned threads.
// Waiting members spin briefly and then block on a futex (threads/futex.hpp), so a
// team larger than the machine does not burn the cores the work needs.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <thread>
#include <vector>

namespace velo {

// Called on every team thread right after it starts and right before it exits
// (the profiler registers per-thread timers here). Set once, before teams exist.
struct ThreadHooks {
  void (*on_start)(int member, const char* name) = nullptr;
  void (*on_stop)(int member) = nullptr;
};
void set_thread_hooks(ThreadHooks hooks);
ThreadHooks thread_hooks();

class ThreadTeam {
 public:
  // `name(member)` names each thread (visible in top, gdb and profiles); by default
  // "velo-<member>".
  explicit ThreadTeam(int size, std::function<std::string(int)> name = {});
  ~ThreadTeam();
  ThreadTeam(const ThreadTeam&) = delete;
  ThreadTeam& operator=(const ThreadTeam&) = delete;

  int size() const { return size_; }

  // Runs body(member) on all members at once; returns the wall-clock seconds from
  // the release of the team to the last member finishing.
  template <typename Body>
  double run(Body&& body) {
    auto thunk = [](void* context, int member) { (*static_cast<Body*>(context))(member); };
    return run_round(thunk, &body);
  }

 private:
  using Thunk = void (*)(void*, int);
  double run_round(Thunk thunk, void* context);
  void member_loop(int member, std::string name);

  int size_;
  std::vector<std::thread> threads_;
  Thunk thunk_ = nullptr;
  void* context_ = nullptr;
  std::atomic<std::uint32_t> generation_{0};
  std::atomic<std::uint32_t> running_{0};  // members 1.. still working on this round
  std::atomic<bool> stopping_{false};
};

// Splits `total` operations over `parts` members as evenly as possible.
inline std::int64_t share_of(std::int64_t total, int parts, int member) {
  return total / parts + (member < total % parts ? 1 : 0);
}

}  // namespace velo

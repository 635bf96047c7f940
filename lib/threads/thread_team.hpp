// A persistent team of threads that runs one round of work at a time.
//
// Every thread a workload runs belongs to a team, for three reasons: threads are
// started once (outside the measured region), a round is timed the same way for
// every family, and the sampling profiler sees every thread through the hooks below.
//
// A round has an untimed start line. Member 0 (the thread that calls run()) wakes
// the others and waits until every one of them is awake and spinning on the
// release word; only then does it read the clock and release them all with one
// store, joining the work itself at the same moment. The round's time runs from
// that release to the last member finishing. Without the start line a member that
// was asleep would start the work a scheduler wake-up (tens to hundreds of
// microseconds) after the clock, and a short multi-thread round could be measured
// with its members running one after another.
//
// Each member stamps its own start (on seeing the release) and end (after its
// work), outside the work itself: last_round() exposes them, and a RoundObserver
// installed on the calling thread sees every round (the runner derives overlap_pct
// from them: how much of the round all members were running together).
//
// Between rounds waiting members spin briefly and then block on a futex
// (threads/futex.hpp), so a team larger than the machine does not burn the cores
// the work needs. Optionally members are pinned to distinct CPUs (set_team_pinning).
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <span>
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

// When on, teams built afterwards pin member m to the m-th CPU (round-robin) of the
// process's affinity set at construction (sched_getaffinity), so members of a team
// no larger than that set run on distinct CPUs. Member 0, the calling thread, is
// pinned when its first round starts and unpinned when the team is destroyed.
// Set before teams exist (the worker sets it from the case's settings).
void set_team_pinning(bool on);
bool team_pinning();

// One member's part of a round, in steady_clock nanoseconds.
struct MemberSpan {
  std::int64_t start_ns = 0;  // when the member saw the release
  std::int64_t end_ns = 0;    // when its work returned
};

class ThreadTeam;

// Sees every round of a team of two or more members that is run on the thread
// that installed it (rounds are run by their member 0, the caller of run()).
class RoundObserver {
 public:
  virtual ~RoundObserver() = default;
  virtual void on_round(const ThreadTeam& team) = 0;
};

// Installs `observer` for rounds run on the calling thread until destroyed
// (restores whatever was installed before).
class ScopedRoundObserver {
 public:
  explicit ScopedRoundObserver(RoundObserver* observer);
  ~ScopedRoundObserver();
  ScopedRoundObserver(const ScopedRoundObserver&) = delete;
  ScopedRoundObserver& operator=(const ScopedRoundObserver&) = delete;

 private:
  RoundObserver* previous_;
};

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

  // Each member's start and end in the last round (indexed by member); valid after
  // run() returns, until the next round.
  std::span<const MemberSpan> last_round() const { return spans_; }

  // The CPU each member is pinned to (indexed by member); empty when not pinned.
  const std::vector<int>& pinned_cpus() const { return cpus_; }

 private:
  using Thunk = void (*)(void*, int);
  double run_round(Thunk thunk, void* context);
  void member_loop(int member, std::string name);
  void pin_caller();

  int size_;
  std::vector<std::thread> threads_;
  std::vector<MemberSpan> spans_;  // each member writes only its own
  std::vector<int> cpus_;
  bool caller_pinned_ = false;
  std::thread::id caller_;
  std::vector<unsigned char> caller_mask_;  // the caller's affinity before pinning
  Thunk thunk_ = nullptr;
  void* context_ = nullptr;
  std::atomic<std::uint32_t> generation_{0};  // a new round (or stopping) was posted
  std::atomic<std::uint32_t> arrived_{0};     // members 1.. spinning at the start line
  std::atomic<std::uint32_t> released_{0};    // the generation whose start line was released
  std::atomic<std::uint32_t> running_{0};     // members 1.. still working on this round
  std::atomic<bool> stopping_{false};
};

// Splits `total` operations over `parts` members as evenly as possible.
inline std::int64_t share_of(std::int64_t total, int parts, int member) {
  return total / parts + (member < total % parts ? 1 : 0);
}

}  // namespace velo

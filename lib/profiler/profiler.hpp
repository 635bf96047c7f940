// The sampling profiler's API, used by the runner in the worker process around
// the measured phase:
//
//   auto session = profiler::Session::create({.mode = Mode::cpu, .hz = 99});
//   ... construct the workload (its ThreadTeam threads register themselves) ...
//   session->start();  ... measured phase ...  session->stop();
//   FoldedStacks stacks = session->collect();  Stats stats = session->stats();
//
// What is sampled: every thread registered with the session, i.e. the thread that
// called create() and every ThreadTeam member started while the session exists
// (through set_thread_hooks), plus threads that call register_current_thread().
// Each thread gets its own POSIX timer (timer_create with SIGEV_THREAD_ID) on its
// own CPU clock (Mode::cpu) or on CLOCK_MONOTONIC (Mode::wall, so blocked threads
// show where they wait); the SIGPROF it delivers is handled on that thread, which
// unwinds its own stack with libunwind into a preallocated per-thread ring. No
// allocation, lock, dladdr or demangling happens in the handler; symbols are
// resolved by collect() with elfutils libdw (see symbolizer.hpp).
//
// The SIGPROF handler stays installed for the life of the process once a session
// was created (a timer signal still pending when a session ends must not reach
// SIGPROF's default action, which kills the process); it ignores signals that do
// not belong to the current session.
#pragma once

#include <cstdint>
#include <memory>
#include <string_view>

#include "core/result.hpp"
#include "profiler/folded.hpp"

namespace velo::profiler {

enum class Mode { cpu, wall };

struct Options {
  Mode mode = Mode::cpu;
  int hz = 99;
  // Put "[thread:NAME]" as the root frame of every stack (see folded.hpp).
  bool thread_root = false;
  // Per-thread sample ring, in 8-byte words (a sample takes 1 + depth words).
  // Samples that do not fit are counted in Stats::lost_buffer_full.
  std::size_t ring_words_per_thread = std::size_t{1} << 18;
};

struct Stats {
  std::uint64_t samples = 0;            // recorded stacks (signals handled)
  // Timer expirations that fell while the previous signal was still pending
  // (si_overrun): each recorded stack counts 1 + its overrun in the folded
  // output, so weighted_samples = samples + overruns = the folded total.
  std::uint64_t overruns = 0;
  std::uint64_t weighted_samples = 0;
  std::uint64_t lost_buffer_full = 0;   // ring full: collect() more often or enlarge it
  std::uint64_t lost_unwind = 0;        // the unwinder could not get past the signal frame
  std::uint64_t threads = 0;            // threads sampled during the session
  // Signals per second of sampled-thread time (CPU time in cpu mode, armed wall
  // time per thread in wall mode). Below `hz` when the kernel's tick limits the
  // timer rate, or when signals were lost.
  double effective_hz = 0;
  double thread_cpu_seconds = 0;        // CPU time of sampled threads while armed
  double thread_wall_seconds = 0;       // sum over threads of the time they were armed
};

// True when velo was built with the profiler (libunwind + libdw).
bool available();

class Session {
 public:
  // At most one session per process. Installs the SIGPROF handler and the thread
  // hooks and registers the calling thread; call it BEFORE the workload creates
  // its threads. Errors: built without the profiler, another session active,
  // hz out of range (1..10000), timer creation refused.
  static Expected<std::unique_ptr<Session>> create(const Options& options);
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  // Arms / disarms every registered thread's timer. Threads registered while
  // armed start sampling at once. start() after stop() resumes.
  void start();
  void stop();

  // Drains the rings, symbolizes and returns every stack of the session so far
  // (merged over threads). Call it after stop(); while armed it is safe but
  // samples keep arriving.
  FoldedStacks collect();
  Stats stats() const;

  // Registers the calling thread (for threads that are not ThreadTeam members);
  // the matching unregister must run on the same thread before it exits. No-ops
  // when no session exists.
  static void register_current_thread(std::string_view name);
  static void unregister_current_thread();

  struct State;  // internal

 private:
  explicit Session(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

}  // namespace velo::profiler

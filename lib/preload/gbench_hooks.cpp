// Google Benchmark's State hooks, defined in the preload so that they interpose
// on libbenchmark.so's own: `for (auto _ : state)` calls State::StartKeepRunning()
// when its timing starts and State::FinishKeepRunning() when the loop ends (both
// out of line in every release since 1.5; benchmark.h). Each hook forwards to the
// real function (dlsym RTLD_NEXT) and tells preload.cpp, which counts the
// allocations in between and arms the sampler there.
//
// What this needs and what it cannot see:
// - The binary must link libbenchmark as a shared library (Debian ships only
//   that). A statically linked Google Benchmark calls its functions directly:
//   the hooks never run, the record says `gbench 0`, and velo reports
//   allocs_per_op absent with that reason.
// - Iterations are read from the public `max_iterations` member of the State
//   velo was compiled against (1.7); the members before it (total_iterations_,
//   batch_leftover_) have kept their place since 1.5, the hot path relies on them.
#include <dlfcn.h>

#include <benchmark/benchmark.h>

#include "preload/brackets.hpp"

namespace {

using Member = void (*)(benchmark::State*);

Member real(const char* mangled) {
  auto* function = reinterpret_cast<Member>(dlsym(RTLD_NEXT, mangled));
  if (function == nullptr) __builtin_trap();  // called from libbenchmark, so it is there
  return function;
}

}  // namespace

// benchmark.h makes every file that includes it call this at start-up; this
// library links no Google Benchmark, so it gets a do-nothing copy of its own
// (kept local by preload.map, so the program's libbenchmark keeps its own).
int benchmark::internal::InitializeStreams() { return 0; }

void benchmark::State::StartKeepRunning() {
  static const Member start = real("_ZN9benchmark5State16StartKeepRunningEv");
  start(this);  // its barrier: every thread of the run has started when it returns
  velo::preload::bracket_enter(max_iterations);
}

void benchmark::State::FinishKeepRunning() {
  static const Member finish = real("_ZN9benchmark5State17FinishKeepRunningEv");
  finish(this);
  velo::preload::bracket_leave();
}

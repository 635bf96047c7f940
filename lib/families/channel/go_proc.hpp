// What a goroutine woken by a channel operation waits for before it runs: the Go
// scheduler's runnext, modelled for OS threads. Written for velo from the design of
// Go 1.19's runtime/proc.go, not copied.
//
// In Go, goready() puts the woken goroutine in the waker's P as `runnext`: it runs
// on that P as soon as the waker blocks (parks), inheriting its time slice. An idle
// P may steal it, but runqgrab() first sleeps `usleep(3)` when the victim P is
// running, "to give pp a chance to schedule runnext ... A sync chan send/recv takes
// ~50ns, so 3us gives ~50x overshoot". So a producer and a consumer trading messages
// take turns: the woken side starts when its waker parks, or when a thief's
// usleep(3) ends, whichever comes first. A buffered channel is then filled and
// drained in runs instead of message by message, and the two sides do not fight
// over the channel's lock.
//
// velo's channel threads are OS threads, each its own "P". A thread woken by a
// channel operation (GoChannel::park) reads who woke it and waits, spinning and then
// yielding the CPU, until that thread parks or the steal delay has passed. The delay
// is what usleep(3) really takes on this machine, measured once per process
// (steal_delay()): nanosleep(3 us) lasts 3 us plus the kernel's timer slack, 50 us by
// default on Linux, about 60 us on velo's test VM.
//
// Every thread that ever used a GoChannel owns a GoProc while it lives; the records
// are never freed (a woken thread may still read its waker's after the waker exited)
// but are reused by later threads, so their number is bounded by the threads alive
// at once.
#pragma once

#include <sched.h>
#include <time.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>

#include "threads/spin.hpp"

namespace velo::channel {

struct alignas(64) GoProc {
  std::atomic<std::uint32_t> parked{0};  // 1 while the owner is parked in a channel
  std::atomic<bool> in_use{false};
  GoProc* next = nullptr;                // the registry's list, never unlinked
};

namespace detail {

inline std::atomic<GoProc*>& go_procs() {
  static std::atomic<GoProc*> head{nullptr};
  return head;
}

// Takes a free record, or makes one and links it into the registry (reachable, so
// leak checkers see no leak).
inline GoProc* acquire_go_proc() {
  for (GoProc* p = go_procs().load(std::memory_order_acquire); p; p = p->next) {
    bool expected = false;
    if (p->in_use.compare_exchange_strong(expected, true, std::memory_order_acq_rel)) return p;
  }
  auto* p = new GoProc;
  p->in_use.store(true, std::memory_order_relaxed);
  p->next = go_procs().load(std::memory_order_relaxed);
  while (!go_procs().compare_exchange_weak(p->next, p, std::memory_order_acq_rel)) {
  }
  return p;
}

struct GoProcOwner {
  GoProc* proc = acquire_go_proc();
  GoProcOwner() = default;
  GoProcOwner(const GoProcOwner&) = delete;
  GoProcOwner& operator=(const GoProcOwner&) = delete;
  ~GoProcOwner() {
    proc->parked.store(0, std::memory_order_relaxed);
    proc->in_use.store(false, std::memory_order_release);
  }
};

}  // namespace detail

inline GoProc& this_go_proc() {
  thread_local detail::GoProcOwner owner;
  return *owner.proc;
}

// How long Go's usleep(3) lasts here: the median of a few nanosleep(3 us) calls,
// measured on first use (call it during set-up, not in a timed region).
inline std::chrono::nanoseconds steal_delay() {
  static const std::chrono::nanoseconds delay = [] {
    std::array<std::chrono::nanoseconds, 5> took{};
    for (auto& t : took) {
      const auto start = std::chrono::steady_clock::now();
      timespec request{0, 3000};
      nanosleep(&request, nullptr);
      t = std::chrono::steady_clock::now() - start;
    }
    std::sort(took.begin(), took.end());
    return took[took.size() / 2];
  }();
  return delay;
}

// Waits until `waker` parks or `delay` has passed (see the top of this file). Spins
// for the first few microseconds, then yields the CPU between checks, so a waker
// that needs this CPU gets it.
inline void defer_to_waker(const GoProc& waker, std::chrono::nanoseconds delay) {
  constexpr int kPausesPerCheck = 16;
  constexpr auto kSpinFor = std::chrono::microseconds(5);
  const auto start = std::chrono::steady_clock::now();
  for (;;) {
    for (int i = 0; i < kPausesPerCheck; ++i) {
      if (waker.parked.load(std::memory_order_acquire) != 0) return;
      cpu_relax();
    }
    const auto waited = std::chrono::steady_clock::now() - start;
    if (waited >= delay) return;
    if (waited >= kSpinFor) sched_yield();
  }
}

}  // namespace velo::channel

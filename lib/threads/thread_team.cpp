#include "threads/thread_team.hpp"

#include <pthread.h>
#include <sched.h>

#include <cassert>
#include <chrono>
#include <cstring>

#include "threads/futex.hpp"
#include "threads/spin.hpp"

namespace velo {

namespace {
std::atomic<void (*)(int, const char*)> hook_start{nullptr};
std::atomic<void (*)(int)> hook_stop{nullptr};
std::atomic<bool> pinning{false};
thread_local RoundObserver* round_observer = nullptr;

// Long enough to catch a round that starts right away, short enough that an idle
// member gives its core back within a few microseconds.
constexpr int kSpinsBeforeBlocking = 2000;
// At the start line nobody sleeps, but a team larger than the machine needs its
// spinners to let the members still on their way in run: past this many pauses a
// spinner yields its CPU on every turn.
constexpr int kSpinsBeforeYielding = 1000;

std::int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// Whoever changes a word a waiter may sleep on calls futex_wake after the change,
// unconditionally: one system call per round is cheap next to a lost wake-up.
void wait_while_equal(std::atomic<std::uint32_t>& word, std::uint32_t old) {
  for (int i = 0; i < kSpinsBeforeBlocking; ++i) {
    if (word.load(std::memory_order_acquire) != old) return;
    cpu_relax();
  }
  while (word.load(std::memory_order_acquire) == old) futex_wait(word, old);
}

// Spins (never sleeps) until `done()`; yields once the spin has lasted a while.
template <typename Done>
void spin_until(Done done) {
  for (int i = 0; !done(); ++i) {
    if (i < kSpinsBeforeYielding) {
      cpu_relax();
    } else {
      sched_yield();
    }
  }
}

// The CPUs this process may run on, in increasing order.
std::vector<int> allowed_cpus() {
  cpu_set_t set;
  CPU_ZERO(&set);
  std::vector<int> cpus;
  if (sched_getaffinity(0, sizeof(set), &set) != 0) return cpus;
  for (int cpu = 0; cpu < CPU_SETSIZE; ++cpu) {
    if (CPU_ISSET(cpu, &set)) cpus.push_back(cpu);
  }
  return cpus;
}

void pin_self(int cpu) {
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(cpu, &set);
  pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
}
}  // namespace

void set_thread_hooks(ThreadHooks hooks) {
  hook_start.store(hooks.on_start);
  hook_stop.store(hooks.on_stop);
}

ThreadHooks thread_hooks() { return {hook_start.load(), hook_stop.load()}; }

void set_team_pinning(bool on) { pinning.store(on); }
bool team_pinning() { return pinning.load(); }

ScopedRoundObserver::ScopedRoundObserver(RoundObserver* observer) : previous_(round_observer) {
  round_observer = observer;
}
ScopedRoundObserver::~ScopedRoundObserver() { round_observer = previous_; }

ThreadTeam::ThreadTeam(int size, std::function<std::string(int)> name)
    : size_(size), spans_(static_cast<std::size_t>(size)) {
  assert(size >= 1);
  if (pinning.load()) {
    const std::vector<int> allowed = allowed_cpus();
    if (!allowed.empty()) {
      for (int member = 0; member < size; ++member) {
        cpus_.push_back(allowed[static_cast<std::size_t>(member) % allowed.size()]);
      }
    }
  }
  threads_.reserve(static_cast<std::size_t>(size - 1));
  for (int member = 1; member < size; ++member) {
    std::string thread_name = name ? name(member) : "velo-" + std::to_string(member);
    threads_.emplace_back([this, member, thread_name] { member_loop(member, thread_name); });
  }
}

ThreadTeam::~ThreadTeam() {
  stopping_.store(true, std::memory_order_release);
  generation_.fetch_add(1, std::memory_order_acq_rel);
  futex_wake(&generation_);
  for (auto& thread : threads_) thread.join();
  if (caller_pinned_ && caller_ == std::this_thread::get_id()) {
    cpu_set_t set;
    std::memcpy(&set, caller_mask_.data(), sizeof(set));
    pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
  }
}

void ThreadTeam::pin_caller() {
  caller_pinned_ = true;
  caller_ = std::this_thread::get_id();
  cpu_set_t set;
  CPU_ZERO(&set);
  pthread_getaffinity_np(pthread_self(), sizeof(set), &set);
  caller_mask_.resize(sizeof(set));
  std::memcpy(caller_mask_.data(), &set, sizeof(set));
  pin_self(cpus_[0]);
}

void ThreadTeam::member_loop(int member, std::string name) {
  // Linux limits thread names to 15 characters.
  pthread_setname_np(pthread_self(), name.substr(0, 15).c_str());
  if (!cpus_.empty()) pin_self(cpus_[static_cast<std::size_t>(member)]);
  if (auto start = hook_start.load()) start(member, name.c_str());
  MemberSpan& span = spans_[static_cast<std::size_t>(member)];
  std::uint32_t seen = 0;
  for (;;) {
    wait_while_equal(generation_, seen);
    seen = generation_.load(std::memory_order_acquire);
    if (stopping_.load(std::memory_order_acquire)) break;
    // The start line: announce this member is awake, then spin until released.
    arrived_.fetch_add(1, std::memory_order_acq_rel);
    spin_until([&] { return released_.load(std::memory_order_acquire) == seen; });
    span.start_ns = now_ns();
    thunk_(context_, member);
    span.end_ns = now_ns();
    if (running_.fetch_sub(1, std::memory_order_acq_rel) == 1) futex_wake(&running_, 1);
  }
  if (auto stop = hook_stop.load()) stop(member);
}

double ThreadTeam::run_round(Thunk thunk, void* context) {
  if (!cpus_.empty() && !caller_pinned_) pin_caller();
  const auto others = static_cast<std::uint32_t>(size_ - 1);
  thunk_ = thunk;
  context_ = context;
  running_.store(others, std::memory_order_relaxed);
  arrived_.store(0, std::memory_order_relaxed);
  // Releases thunk_, context_, running_ and arrived_ to the members it wakes.
  const std::uint32_t round = generation_.fetch_add(1, std::memory_order_acq_rel) + 1;
  if (others > 0) {
    futex_wake(&generation_);
    spin_until([&] { return arrived_.load(std::memory_order_acquire) == others; });
  }
  // Everyone is awake and spinning: the clock starts now.
  const std::int64_t start = now_ns();
  released_.store(round, std::memory_order_release);
  MemberSpan& own = spans_[0];
  own.start_ns = start;
  thunk(context, 0);
  own.end_ns = now_ns();
  for (std::uint32_t left = running_.load(std::memory_order_acquire); left != 0;
       left = running_.load(std::memory_order_acquire)) {
    wait_while_equal(running_, left);
  }
  const std::int64_t end = now_ns();
  if (size_ > 1 && round_observer) round_observer->on_round(*this);
  return static_cast<double>(end - start) * 1e-9;
}

}  // namespace velo

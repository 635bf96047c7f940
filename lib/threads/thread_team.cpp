#include "threads/thread_team.hpp"

#include <pthread.h>

#include <cassert>
#include <chrono>

#include "threads/futex.hpp"
#include "threads/spin.hpp"

namespace velo {

namespace {
std::atomic<void (*)(int, const char*)> hook_start{nullptr};
std::atomic<void (*)(int)> hook_stop{nullptr};

// Long enough to catch a round that starts right away, short enough that an idle
// member gives its core back within a few microseconds.
constexpr int kSpinsBeforeBlocking = 2000;

// Whoever changes a word a waiter may sleep on calls futex_wake after the change,
// unconditionally: one system call per round is cheap next to a lost wake-up.
void wait_while_equal(std::atomic<std::uint32_t>& word, std::uint32_t old) {
  for (int i = 0; i < kSpinsBeforeBlocking; ++i) {
    if (word.load(std::memory_order_acquire) != old) return;
    cpu_relax();
  }
  while (word.load(std::memory_order_acquire) == old) futex_wait(word, old);
}
}  // namespace

void set_thread_hooks(ThreadHooks hooks) {
  hook_start.store(hooks.on_start);
  hook_stop.store(hooks.on_stop);
}

ThreadHooks thread_hooks() { return {hook_start.load(), hook_stop.load()}; }

ThreadTeam::ThreadTeam(int size, std::function<std::string(int)> name) : size_(size) {
  assert(size >= 1);
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
}

void ThreadTeam::member_loop(int member, std::string name) {
  // Linux limits thread names to 15 characters.
  pthread_setname_np(pthread_self(), name.substr(0, 15).c_str());
  if (auto start = hook_start.load()) start(member, name.c_str());
  std::uint32_t seen = 0;
  for (;;) {
    wait_while_equal(generation_, seen);
    seen = generation_.load(std::memory_order_acquire);
    if (stopping_.load(std::memory_order_acquire)) break;
    thunk_(context_, member);
    if (running_.fetch_sub(1, std::memory_order_acq_rel) == 1) futex_wake(&running_, 1);
  }
  if (auto stop = hook_stop.load()) stop(member);
}

double ThreadTeam::run_round(Thunk thunk, void* context) {
  using Clock = std::chrono::steady_clock;
  thunk_ = thunk;
  context_ = context;
  running_.store(static_cast<std::uint32_t>(size_ - 1), std::memory_order_relaxed);
  const auto start = Clock::now();
  generation_.fetch_add(1, std::memory_order_acq_rel);  // releases thunk_, context_, running_
  futex_wake(&generation_);
  thunk(context, 0);
  for (std::uint32_t left = running_.load(std::memory_order_acquire); left != 0;
       left = running_.load(std::memory_order_acquire)) {
    wait_while_equal(running_, left);
  }
  const auto end = Clock::now();
  return std::chrono::duration<double>(end - start).count();
}

}  // namespace velo

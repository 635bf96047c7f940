// The sampler behind profiler.hpp.
//
// Design (the same as gperftools' per-thread CPU profiler and async-profiler's
// itimer mode, built on Linux's per-thread POSIX timers): every sampled thread
// owns a timer_create() timer whose SIGEV_THREAD_ID notification sends SIGPROF
// to that thread only, so each thread is sampled in proportion to its own CPU
// time (the process-wide ITIMER_PROF is delivered to whichever thread the kernel
// picks and under-samples busy threads).
//
// Invariants:
// - A ThreadSlot is written by exactly one producer, the SIGPROF handler running
//   on the slot's thread (the signal is blocked while its handler runs, so it
//   never nests), and read by one consumer, collect(): a single-producer
//   single-consumer ring of words needs no lock.
// - The handler reaches its slot through the timer's sigev_value (session
//   generation + slot index), never through memory that can be freed under it:
//   ~Session unpublishes the slots and waits for handlers in flight to leave.
// - Everything the handler touches is allocated before the timer is armed,
//   including libunwind's per-thread cache (warmed by one unwind at registration).
#include "profiler/profiler.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <string>
#include <vector>

#include "profiler/profiler_config.hpp"
#include "profiler/symbolizer.hpp"
#include "threads/thread_team.hpp"

#if VELO_HAVE_PROFILER
#define UNW_LOCAL_ONLY
#include <libunwind.h>
#include <pthread.h>
#include <signal.h>
#include <sys/syscall.h>
#include <time.h>
#include <ucontext.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <map>
#include <thread>
#endif

namespace velo::profiler {

#if VELO_HAVE_PROFILER

bool available() { return true; }

namespace {

// ThreadSanitizer defers asynchronous signals to a point of its choosing, so an
// unwind in the handler no longer shows the interrupted stack, and libunwind's
// per-thread cache crashes in TSAN's thread teardown. A TSAN build therefore
// records only the interrupted pc (a one-frame stack, plus its inlined frames):
// enough for the sanitizer to check the sampler's threading.
#if defined(__SANITIZE_THREAD__)
constexpr bool kUnwindInHandler = false;
#else
constexpr bool kUnwindInHandler = true;
#endif

constexpr int kMaxThreads = 1024;           // slot indices per session
constexpr int kMaxDepth = 127;              // frames kept per sample
constexpr int kTrampolineSearch = 8;        // handler frames + trampoline to skip
// A sample's header word: depth (bits 0..15), truncated flag, weight (bits 32..).
constexpr std::uint64_t kDepthMask = 0xffff;
constexpr std::uint64_t kTruncatedFlag = std::uint64_t{1} << 16;
constexpr int kWeightShift = 32;

struct ThreadSlot {
  std::string name;
  pid_t tid = 0;
  clockid_t cpu_clock{};
  timer_t timer{};
  bool alive = false;
  // Ring of words: per sample a header (depth, truncated, weight) then the pcs,
  // leaf first. head is written by the handler, tail by collect().
  std::unique_ptr<std::uintptr_t[]> ring;
  std::uint64_t mask = 0;
  std::atomic<std::uint64_t> head{0};
  std::atomic<std::uint64_t> tail{0};
  std::atomic<std::uint64_t> samples{0};
  std::atomic<std::uint64_t> lost_full{0};
  std::atomic<std::uint64_t> lost_unwind{0};
  std::atomic<std::uint64_t> overruns{0};
  // Time accounting, under the session mutex.
  double cpu_at_arm = 0, wall_at_arm = 0;
  double cpu_seconds = 0, wall_seconds = 0;
};

// What the handler may see. A signal's sigev_value carries generation << 10 | index.
std::atomic<ThreadSlot*> g_slots[kMaxThreads];
std::atomic<std::uint32_t> g_generation{0};
std::atomic<int> g_handlers_running{0};
std::atomic<Session::State*> g_state{nullptr};
// Held while a thread (un)registers, so ~Session cannot free the state under it.
std::mutex g_state_mutex;
thread_local int t_slot_index = -1;
thread_local std::uint32_t t_slot_generation = 0;

double read_clock(clockid_t clock) {
  timespec now{};
  if (clock_gettime(clock, &now) != 0) return 0;
  return static_cast<double>(now.tv_sec) + static_cast<double>(now.tv_nsec) * 1e-9;
}

// `weight` = 1 + the timer's overrun: expirations that happened while this
// signal was still pending (the thread was descheduled, the tick was late) are
// represented by this sample rather than silently lost.
void record_sample(ThreadSlot& slot, void* context, std::uint64_t weight) {
  const auto interrupted =
      static_cast<std::uintptr_t>(static_cast<ucontext_t*>(context)->uc_mcontext.gregs[REG_RIP]);
  void* pcs[kMaxDepth + kTrampolineSearch + 1];
  int captured = 1;
  if constexpr (kUnwindInHandler) {
    captured = unw_backtrace(pcs, static_cast<int>(std::size(pcs)));
  } else {
    pcs[0] = reinterpret_cast<void*>(interrupted);
  }
  // Everything up to the interrupted instruction is the handler and the kernel's
  // signal trampoline: find the interrupted pc and keep what follows.
  int first = -1;
  for (int i = 0; i < std::min(captured, kTrampolineSearch); ++i) {
    if (reinterpret_cast<std::uintptr_t>(pcs[i]) == interrupted) {
      first = i;
      break;
    }
  }
  if (first < 0) {
    slot.lost_unwind.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  int depth = captured - first;
  std::uint64_t header = 0;
  if (depth > kMaxDepth || captured == static_cast<int>(std::size(pcs))) {
    depth = std::min(depth, kMaxDepth);
    header = kTruncatedFlag;
  }
  header |= static_cast<std::uint64_t>(depth) | weight << kWeightShift;

  const std::uint64_t head = slot.head.load(std::memory_order_relaxed);
  const std::uint64_t tail = slot.tail.load(std::memory_order_acquire);
  const std::uint64_t needed = static_cast<std::uint64_t>(depth) + 1;
  if (slot.mask + 1 - (head - tail) < needed) {
    slot.lost_full.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  slot.ring[head & slot.mask] = header;
  for (int i = 0; i < depth; ++i) {
    slot.ring[(head + 1 + static_cast<std::uint64_t>(i)) & slot.mask] =
        reinterpret_cast<std::uintptr_t>(pcs[first + i]);
  }
  slot.head.store(head + needed, std::memory_order_release);
  slot.samples.fetch_add(1, std::memory_order_relaxed);
  slot.overruns.fetch_add(weight - 1, std::memory_order_relaxed);
}

void on_sigprof(int, siginfo_t* info, void* context) {
  const int saved_errno = errno;
  g_handlers_running.fetch_add(1, std::memory_order_seq_cst);
  if (info->si_code == SI_TIMER) {
    const auto code = static_cast<std::uint32_t>(info->si_value.sival_int);
    const std::uint32_t index = code & (kMaxThreads - 1);
    // A signal left pending by an earlier session carries an old generation.
    if (code >> 10 == g_generation.load(std::memory_order_seq_cst)) {
      if (ThreadSlot* slot = g_slots[index].load(std::memory_order_seq_cst)) {
        const auto overrun = static_cast<std::uint64_t>(std::max(info->si_overrun, 0));
        record_sample(*slot, context, 1 + std::min<std::uint64_t>(overrun, 1U << 30));
      }
    }
  }
  g_handlers_running.fetch_sub(1, std::memory_order_seq_cst);
  errno = saved_errno;
}

Status install_handler() {
  static std::once_flag once;
  static int failure = 0;
  std::call_once(once, [] {
    // Per-thread caches: no lock in the unwinder while in a signal handler.
    if constexpr (kUnwindInHandler) unw_set_caching_policy(unw_local_addr_space, UNW_CACHE_PER_THREAD);
    struct sigaction action {};
    action.sa_sigaction = on_sigprof;
    action.sa_flags = SA_SIGINFO | SA_RESTART;
    sigemptyset(&action.sa_mask);
    if (sigaction(SIGPROF, &action, nullptr) != 0) failure = errno;
  });
  if (failure != 0) return make_error(fmt::format("cannot install the SIGPROF handler: {}", std::strerror(failure)));
  return {};
}

void on_team_start(int, const char* name) { Session::register_current_thread(name); }
void on_team_stop(int) { Session::unregister_current_thread(); }

}  // namespace

struct Session::State {
  Options options;
  std::uint32_t generation = 0;
  mutable std::mutex mutex;
  bool armed = false;
  std::vector<std::unique_ptr<ThreadSlot>> slots;  // index = slot index
  std::unique_ptr<Symbolizer> symbolizer;
  FoldedStacks collected;
  std::string first_error;

  itimerspec interval() const {
    const long nanos = 1'000'000'000L / options.hz;
    itimerspec spec{};
    spec.it_interval.tv_sec = nanos / 1'000'000'000L;
    spec.it_interval.tv_nsec = nanos % 1'000'000'000L;
    spec.it_value = spec.it_interval;
    return spec;
  }

  void arm(ThreadSlot& slot) {
    slot.cpu_at_arm = read_clock(slot.cpu_clock);
    slot.wall_at_arm = read_clock(CLOCK_MONOTONIC);
    const itimerspec spec = interval();
    timer_settime(slot.timer, 0, &spec, nullptr);
  }

  void disarm(ThreadSlot& slot) {
    const itimerspec zero{};
    timer_settime(slot.timer, 0, &zero, nullptr);
    slot.cpu_seconds += read_clock(slot.cpu_clock) - slot.cpu_at_arm;
    slot.wall_seconds += read_clock(CLOCK_MONOTONIC) - slot.wall_at_arm;
  }

  // On the thread itself.
  Status add_current_thread(std::string_view name) {
    std::lock_guard lock(mutex);
    if (slots.size() >= kMaxThreads) return make_error("profiler: too many threads");
    const int index = static_cast<int>(slots.size());
    auto slot = std::make_unique<ThreadSlot>();
    slot->name = std::string(name);
    slot->tid = static_cast<pid_t>(syscall(SYS_gettid));
    pthread_getcpuclockid(pthread_self(), &slot->cpu_clock);
    std::size_t words = 1024;
    while (words < options.ring_words_per_thread) words *= 2;
    slot->ring = std::make_unique<std::uintptr_t[]>(words);  // zeroed: pages touched now
    slot->mask = words - 1;

    sigevent event{};
    event.sigev_notify = SIGEV_THREAD_ID;
    event.sigev_signo = SIGPROF;
    event.sigev_value.sival_int = static_cast<int>(generation << 10 | static_cast<std::uint32_t>(index));
    event._sigev_un._tid = slot->tid;  // sigev_notify_thread_id in glibc >= 2.41
    const clockid_t clock = options.mode == Mode::cpu ? CLOCK_THREAD_CPUTIME_ID : CLOCK_MONOTONIC;
    if (timer_create(clock, &event, &slot->timer) != 0) {
      return make_error(fmt::format("profiler: timer_create failed: {}", std::strerror(errno)));
    }
    // Warm libunwind's per-thread cache so the handler never allocates it.
    if constexpr (kUnwindInHandler) {
      void* warm[kMaxDepth];
      unw_backtrace(warm, kMaxDepth);
    }

    slot->alive = true;
    g_slots[index].store(slot.get(), std::memory_order_seq_cst);
    if (armed) arm(*slot);
    slots.push_back(std::move(slot));
    t_slot_index = index;
    t_slot_generation = generation;
    return {};
  }

  void remove_current_thread() {
    std::lock_guard lock(mutex);
    if (t_slot_index < 0 || t_slot_generation != generation) return;
    ThreadSlot& slot = *slots[static_cast<std::size_t>(t_slot_index)];
    t_slot_index = -1;
    if (!slot.alive) return;
    if (armed) disarm(slot);
    timer_delete(slot.timer);
    slot.alive = false;  // its samples stay for collect()
  }

  // Moves the ring's samples out as raw stacks (leaf first) -> weight.
  void drain(ThreadSlot& slot, std::map<std::vector<std::uintptr_t>, std::uint64_t>& out) {
    std::uint64_t tail = slot.tail.load(std::memory_order_relaxed);
    const std::uint64_t head = slot.head.load(std::memory_order_acquire);
    std::vector<std::uintptr_t> stack;
    while (tail < head) {
      const std::uint64_t header = slot.ring[tail & slot.mask];
      const auto depth = header & kDepthMask;
      stack.clear();
      if (header & kTruncatedFlag) stack.push_back(0);  // marker, becomes "[truncated]"
      for (std::uint64_t i = 0; i < depth; ++i) stack.push_back(slot.ring[(tail + 1 + i) & slot.mask]);
      out[stack] += header >> kWeightShift;
      tail += depth + 1;
    }
    slot.tail.store(tail, std::memory_order_release);
  }
};

Session::Session(std::unique_ptr<State> state) : state_(std::move(state)) {}

Expected<std::unique_ptr<Session>> Session::create(const Options& options) {
  if (options.hz < 1 || options.hz > 10000) {
    return make_error(fmt::format("profiler: a sampling rate of {} Hz is out of range (1..10000)", options.hz));
  }
  if (auto status = install_handler(); !status) return status.error();
  auto state = std::make_unique<State>();
  state->options = options;
  State* expected = nullptr;
  if (!g_state.compare_exchange_strong(expected, state.get())) {
    return make_error("profiler: another profiling session is active in this process");
  }
  state->generation = (g_generation.load() + 1) & ((1U << 21) - 1);
  g_generation.store(state->generation, std::memory_order_seq_cst);
  std::unique_ptr<Session> session(new Session(std::move(state)));

  char name[16] = "main";
  pthread_getname_np(pthread_self(), name, sizeof name);
  if (auto status = session->state_->add_current_thread(name); !status) return status.error();
  set_thread_hooks({.on_start = on_team_start, .on_stop = on_team_stop});
  return session;
}

Session::~Session() {
  set_thread_hooks({});
  {
    std::lock_guard lock(g_state_mutex);
    g_state.store(nullptr, std::memory_order_seq_cst);
  }
  {
    std::lock_guard lock(state_->mutex);
    for (std::size_t i = 0; i < state_->slots.size(); ++i) {
      auto& slot = *state_->slots[i];
      if (slot.alive) {
        if (state_->armed) state_->disarm(slot);
        timer_delete(slot.timer);
        slot.alive = false;
      }
      g_slots[i].store(nullptr, std::memory_order_seq_cst);
    }
    state_->armed = false;
  }
  // A handler that found its slot before it was unpublished may still be running.
  while (g_handlers_running.load(std::memory_order_seq_cst) != 0) std::this_thread::yield();
}

void Session::start() {
  std::lock_guard lock(state_->mutex);
  if (state_->armed) return;
  state_->armed = true;
  for (auto& slot : state_->slots) {
    if (slot->alive) state_->arm(*slot);
  }
}

void Session::stop() {
  std::lock_guard lock(state_->mutex);
  if (!state_->armed) return;
  for (auto& slot : state_->slots) {
    if (slot->alive) state_->disarm(*slot);
  }
  state_->armed = false;
}

FoldedStacks Session::collect() {
  std::lock_guard lock(state_->mutex);
  if (!state_->symbolizer) {
    // Created here, not earlier: the memory map must include libraries the
    // workload loaded. Later dlopens are still resolved as "[unknown]"/module+off.
    if (auto symbolizer = Symbolizer::for_this_process()) state_->symbolizer = std::move(*symbolizer);
  }
  for (auto& slot : state_->slots) {
    std::map<std::vector<std::uintptr_t>, std::uint64_t> raw;
    state_->drain(*slot, raw);
    for (const auto& [pcs, count] : raw) {
      std::vector<std::string> frames;  // leaf first, reversed below
      for (std::size_t i = 0; i < pcs.size(); ++i) {
        if (pcs[i] == 0) continue;
        if (!state_->symbolizer) {
          frames.push_back(fmt::format("{:#x}", pcs[i]));
          continue;
        }
        // pcs[first] is the interrupted instruction; the rest are return addresses.
        const bool is_return_address = i > 0 && pcs[i - 1] != 0;
        for (const auto& frame : state_->symbolizer->frames_at(pcs[i], is_return_address)) {
          frames.push_back(frame.function);
        }
      }
      if (!pcs.empty() && pcs.front() == 0) frames.push_back("[truncated]");
      if (state_->options.thread_root) frames.push_back(thread_frame(slot->name));
      std::reverse(frames.begin(), frames.end());
      state_->collected.add(frames, count);
    }
  }
  return state_->collected;
}

Stats Session::stats() const {
  std::lock_guard lock(state_->mutex);
  Stats stats;
  for (const auto& slot : state_->slots) {
    stats.samples += slot->samples.load(std::memory_order_relaxed);
    stats.lost_buffer_full += slot->lost_full.load(std::memory_order_relaxed);
    stats.lost_unwind += slot->lost_unwind.load(std::memory_order_relaxed);
    stats.overruns += slot->overruns.load(std::memory_order_relaxed);
    double cpu = slot->cpu_seconds, wall = slot->wall_seconds;
    if (state_->armed && slot->alive) {  // include the running interval
      cpu += read_clock(slot->cpu_clock) - slot->cpu_at_arm;
      wall += read_clock(CLOCK_MONOTONIC) - slot->wall_at_arm;
    }
    stats.thread_cpu_seconds += cpu;
    stats.thread_wall_seconds += wall;
    if (wall > 0) ++stats.threads;
  }
  const double sampled = state_->options.mode == Mode::cpu ? stats.thread_cpu_seconds : stats.thread_wall_seconds;
  if (sampled > 0) stats.effective_hz = static_cast<double>(stats.samples) / sampled;
  stats.weighted_samples = stats.samples + stats.overruns;
  return stats;
}

void Session::register_current_thread(std::string_view name) {
  std::lock_guard guard(g_state_mutex);
  if (State* state = g_state.load(std::memory_order_seq_cst)) {
    if (auto status = state->add_current_thread(name); !status) {
      std::lock_guard lock(state->mutex);
      if (state->first_error.empty()) state->first_error = status.error().message;
    }
  }
}

void Session::unregister_current_thread() {
  std::lock_guard guard(g_state_mutex);
  if (State* state = g_state.load(std::memory_order_seq_cst)) state->remove_current_thread();
}

#else  // !VELO_HAVE_PROFILER

bool available() { return false; }

struct Session::State {};
Session::Session(std::unique_ptr<State> state) : state_(std::move(state)) {}
Session::~Session() = default;
Expected<std::unique_ptr<Session>> Session::create(const Options&) {
  return make_error("profiler unavailable: built without libunwind");
}
void Session::start() {}
void Session::stop() {}
FoldedStacks Session::collect() { return {}; }
Stats Session::stats() const { return {}; }
void Session::register_current_thread(std::string_view) {}
void Session::unregister_current_thread() {}

#endif

}  // namespace velo::profiler

// libvelo_preload.so: velo's allocation counter and sampler inside a process velo
// did not build (a `command` run, a Google Benchmark binary), loaded with
// LD_PRELOAD so the program itself is not modified.
//
// Design: the same allocation interposer velo links into itself
// (alloc/interposer.cpp, built into this library) replaces malloc and operator
// new ahead of libc and libstdc++, as glibc's memusage.so does; the sampler is
// velo's own (profiler/sampler.cpp). This file adds what a foreign process needs:
// - It does nothing unless VELO_PRELOAD_DIR names the directory to write to.
// - Counts: the whole process (from this library's start to exit), and for
//   Google Benchmark each bracket (brackets.hpp, gbench_hooks.cpp).
// - Profile (VELO_PRELOAD_PROFILE, families/external/preload_record.hpp): the session is created in the
//   constructor on the main thread; every thread the program starts afterwards is
//   registered by an interposed pthread_create. Phase `process` arms the timers
//   until exit; phase `measured` only inside brackets.
// - At exit (a destructor, after the program's own static destructors) it writes
//   DIR/<pid>.record and DIR/<pid>.folded, each to a temporary name then renamed.
//   A process that ends in _exit, a signal or an exec writes nothing; velo says so.
// - A forked child starts its own counts at the fork and is not profiled (its
//   copy of the parent's sample rings would repeat the parent's samples).
#include <dlfcn.h>
#include <elf.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <new>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "alloc/counting.hpp"
#include "preload/brackets.hpp"
#include "families/external/preload_record.hpp"
#include "profiler/profiler.hpp"

namespace velo::preload {
namespace {

struct Preload {
  std::string dir;
  bool active = false;
  bool forked_child = false;
  alloc::Counts start{};
  std::atomic<int> depth{0};
  std::atomic<std::int64_t> bracket_iterations{0};
  alloc::Counts bracket_start{};
  std::mutex brackets_mutex;
  std::vector<Bracket> brackets;
  bool gbench = false;
  // Profiling.
  std::unique_ptr<profiler::Session> session;
  bool measured_phase_only = false;
  std::uint64_t samples_at_last_drain = 0;
  std::string profile_error;
};

// Built in static storage on first use, never destroyed: no heap allocation (it
// would be counted as the program's), and the exit handler below runs after
// static destructors.
Preload& state() {
  alignas(Preload) static unsigned char storage[sizeof(Preload)];
  static Preload* p = new (storage) Preload;
  return *p;
}

// "cpu:99:process" or "wall:997:measured:thread_root".
bool parse_profile(const char* text, profiler::Options& options, bool& measured_only) {
  std::string_view rest = text;
  std::vector<std::string_view> parts;
  while (!rest.empty()) {
    const std::size_t colon = std::min(rest.find(':'), rest.size());
    parts.push_back(rest.substr(0, colon));
    rest.remove_prefix(colon == rest.size() ? colon : colon + 1);
  }
  if (parts.size() < 3 || parts.size() > 4) return false;
  if (parts[0] == "cpu") options.mode = profiler::Mode::cpu;
  else if (parts[0] == "wall") options.mode = profiler::Mode::wall;
  else return false;
  options.hz = std::atoi(std::string(parts[1]).c_str());
  if (parts[2] == "measured") measured_only = true;
  else if (parts[2] != "process") return false;
  options.thread_root = parts.size() == 4 && parts[3] == "thread_root";
  return true;
}

// A Go executable keeps its heap outside malloc: its section headers name
// .note.go.buildid (or .go.buildinfo). Read from /proc/self/exe at exit.
bool executable_is_go() {
  const int fd = ::open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  bool go = false;
  Elf64_Ehdr header{};
  if (::pread(fd, &header, sizeof header, 0) == sizeof header && std::memcmp(header.e_ident, ELFMAG, SELFMAG) == 0 &&
      header.e_ident[EI_CLASS] == ELFCLASS64 && header.e_shentsize == sizeof(Elf64_Shdr) &&
      header.e_shstrndx < header.e_shnum && header.e_shnum < 4096) {
    std::vector<Elf64_Shdr> sections(header.e_shnum);
    const auto bytes = static_cast<ssize_t>(sections.size() * sizeof(Elf64_Shdr));
    if (::pread(fd, sections.data(), bytes, static_cast<off_t>(header.e_shoff)) == bytes) {
      const Elf64_Shdr& names = sections[header.e_shstrndx];
      if (names.sh_size < (1 << 20)) {
        std::string table(names.sh_size, '\0');
        if (::pread(fd, table.data(), table.size(), static_cast<off_t>(names.sh_offset)) ==
            static_cast<ssize_t>(table.size())) {
          for (const auto& section : sections) {
            if (section.sh_name >= table.size()) continue;
            const char* name = table.c_str() + section.sh_name;
            if (std::strcmp(name, ".note.go.buildid") == 0 || std::strcmp(name, ".go.buildinfo") == 0) go = true;
          }
        }
      }
    }
  }
  ::close(fd);
  return go;
}

void write_whole(const std::string& path, const std::string& text) {
  const std::string temporary = path + ".tmp";
  const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return;
  std::size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n <= 0) break;
    done += static_cast<std::size_t>(n);
  }
  const bool ok = ::close(fd) == 0 && done == text.size();
  if (ok) ::rename(temporary.c_str(), path.c_str());
  else ::unlink(temporary.c_str());
}

void drain_if_filling(Preload& p) {
  const profiler::Stats stats = p.session->stats();
  if (stats.samples - p.samples_at_last_drain < 1024 * std::max<std::uint64_t>(1, stats.threads)) return;
  p.session->collect();  // kept by the session; the exit handler writes it all
  p.samples_at_last_drain = stats.samples;
}

void on_fork_child() {
  Preload& p = state();
  if (!p.active) return;
  p.forked_child = true;
  p.start = alloc::totals();
  p.depth.store(0);
  p.brackets.clear();
  (void)p.session.release();  // the parent's rings; its timers were not inherited
}

__attribute__((constructor(200))) void start_preload() {
  const char* dir = ::getenv(kDirEnv);
  if (dir == nullptr || *dir == '\0') return;
  Preload& p = state();
  p.dir = dir;
  p.active = true;
  if (const char* request = ::getenv(kProfileEnv); request != nullptr && *request != '\0') {
    profiler::Options options;
    if (!parse_profile(request, options, p.measured_phase_only)) {
      p.profile_error = fmt::format("{}='{}' is not MODE:HZ:PHASE", kProfileEnv, request);
    } else if (auto session = profiler::Session::create(options); !session) {
      p.profile_error = session.error().message;
    } else {
      p.session = std::move(*session);
      if (!p.measured_phase_only) p.session->start();
    }
  }
  ::pthread_atfork(nullptr, nullptr, on_fork_child);
  p.start = alloc::totals();  // last: the session's own allocations are not the program's
}

__attribute__((destructor)) void finish_preload() {
  Preload& p = state();
  if (!p.active) return;
  ProcessRecord record;
  const alloc::Counts total = alloc::totals() - p.start;
  if (p.session) p.session->stop();
  record.pid = ::getpid();
  record.ppid = ::getppid();
  record.counting = alloc::counting_active();
  record.allocations = total.allocations;
  record.bytes = total.bytes;
  record.frees = total.frees;
  record.go = executable_is_go();
  {
    std::lock_guard lock(p.brackets_mutex);
    record.gbench = p.gbench;
    record.brackets = p.brackets;
  }
  const std::string stem = fmt::format("{}/{}", p.dir, record.pid);
  if (p.session) {
    const profiler::FoldedStacks stacks = p.session->collect();
    const profiler::Stats stats = p.session->stats();
    record.profiled = true;
    record.profile = {.samples = stats.samples,
                      .overruns = stats.overruns,
                      .lost_buffer_full = stats.lost_buffer_full,
                      .lost_unwind = stats.lost_unwind,
                      .threads = stats.threads,
                      .sampled_seconds = stats.effective_hz > 0 ? static_cast<double>(stats.samples) / stats.effective_hz
                                                                : 0};
    write_whole(stem + ".folded", stacks.write());
  } else if (!p.profile_error.empty() && !p.forked_child) {
    write_whole(stem + ".profile-error", p.profile_error + "\n");
  }
  write_whole(stem + ".record", write_record(record));
}

}  // namespace

void bracket_enter(std::int64_t iterations) noexcept {
  Preload& p = state();
  if (!p.active) return;
  p.bracket_iterations.fetch_add(iterations);
  if (p.depth.fetch_add(1) != 0) return;
  // Armed before the counts are read, disarmed after: the sampler's work is not
  // the benchmark's allocations.
  if (p.session && p.measured_phase_only) p.session->start();
  p.bracket_start = alloc::totals();
}

void bracket_leave() noexcept {
  Preload& p = state();
  if (!p.active) return;
  if (p.depth.fetch_sub(1) != 1) return;
  const alloc::Counts counted = alloc::totals() - p.bracket_start;
  if (p.session && p.measured_phase_only) p.session->stop();
  const std::int64_t iterations = p.bracket_iterations.exchange(0);
  try {
    std::lock_guard lock(p.brackets_mutex);
    p.gbench = true;
    p.brackets.push_back({.iterations = iterations, .allocations = counted.allocations, .bytes = counted.bytes});
  } catch (...) {
    // Out of memory in the benchmark's process: the bracket is lost, the record
    // then has fewer brackets than repetitions and velo says so.
  }
  if (p.session) drain_if_filling(p);
}

}  // namespace velo::preload

// ---- threads: every thread the program starts is sampled ------------------------

namespace {

using PthreadCreate = int (*)(pthread_t*, const pthread_attr_t*, void* (*)(void*), void*);

// Start arguments live in a fixed table, not on the heap: a malloc here would be
// counted as the program's.
struct Start {
  std::atomic<bool> used{false};
  void* (*routine)(void*) = nullptr;
  void* argument = nullptr;
};
Start g_starts[4096];
std::atomic<unsigned> g_thread_number{0};

void unregister(void*) { velo::profiler::Session::unregister_current_thread(); }

void* sampled_thread(void* slot_pointer) {
  auto* slot = static_cast<Start*>(slot_pointer);
  void* (*routine)(void*) = slot->routine;
  void* argument = slot->argument;
  slot->used.store(false, std::memory_order_release);
  char name[32];
  std::snprintf(name, sizeof name, "thread-%u", g_thread_number.fetch_add(1) + 1);
  velo::profiler::Session::register_current_thread(name);
  void* result = nullptr;
  pthread_cleanup_push(unregister, nullptr);
  result = routine(argument);
  pthread_cleanup_pop(1);
  return result;
}

}  // namespace

extern "C" int pthread_create(pthread_t* thread, const pthread_attr_t* attr, void* (*routine)(void*),
                              void* argument) {
  static const auto real = reinterpret_cast<PthreadCreate>(dlsym(RTLD_NEXT, "pthread_create"));
  if (!velo::preload::state().session || velo::preload::state().forked_child) {
    return real(thread, attr, routine, argument);
  }
  for (Start& slot : g_starts) {
    bool expected = false;
    if (!slot.used.compare_exchange_strong(expected, true, std::memory_order_acq_rel)) continue;
    slot.routine = routine;
    slot.argument = argument;
    const int created = real(thread, attr, sampled_thread, &slot);
    if (created != 0) slot.used.store(false, std::memory_order_release);
    return created;
  }
  return real(thread, attr, routine, argument);  // table full: this thread is not sampled
}

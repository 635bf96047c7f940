// The allocation interposer: replaces the global operator new/delete (all forms:
// plain, array, nothrow, sized, aligned, aligned+nothrow, sized+aligned) and the C
// calls (malloc, calloc, realloc, reallocarray, free, posix_memalign, aligned_alloc,
// memalign, valloc, pvalloc), counts each call on the calling thread and forwards it
// to the next definition in symbol lookup order, found with dlsym(RTLD_NEXT). Being
// defined in the executable, these definitions come first for every library in the
// process (glibc's own internal callers included, as glibc documents for malloc
// replacement); "next" is an LD_PRELOADed jemalloc/mimalloc if there is one, else
// glibc. This is the technique of glibc's own memusage preload library.
//
// Invariants:
// - Hot path: one initial-exec TLS block per thread, relaxed load+store of its
//   counters (the owner is the only writer), no locks, no read-modify-write atomics.
// - Totals are exact over threads that exited: a pthread key destructor folds a
//   thread's block into `g_retired` and unlinks it, under the registry lock.
// - dlsym may allocate (calloc for its error state) while we resolve the real
//   functions; such calls are served from a static bootstrap arena, whose blocks
//   are never freed to the real allocator.
// - Compiled out under AddressSanitizer/ThreadSanitizer: their runtimes replace
//   malloc and operator new themselves, and a second replacement on top would hide
//   their checks. counting_active() then reports false.
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
// Nothing: see above.
#else

#include <dlfcn.h>
#include <malloc.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstddef>
#include <cstring>
#include <cstdint>
#include <new>

#include "alloc/interposer_hooks.hpp"

namespace {

// ---- the real allocator --------------------------------------------------------

struct RealAllocator {
  void* (*malloc)(size_t) = nullptr;
  void* (*calloc)(size_t, size_t) = nullptr;
  void* (*realloc)(void*, size_t) = nullptr;
  void (*free)(void*) = nullptr;
  int (*posix_memalign)(void**, size_t, size_t) = nullptr;
  void* (*aligned_alloc)(size_t, size_t) = nullptr;
  void* (*memalign)(size_t, size_t) = nullptr;
};

RealAllocator g_real;
enum : int { unresolved, resolving, ready };
std::atomic<int> g_resolve_state{unresolved};
thread_local bool t_resolving __attribute__((tls_model("initial-exec"))) = false;

// Served only while dlsym runs; never reused, so it starts (and stays) zeroed.
constexpr std::size_t bootstrap_bytes = 64 * 1024;
alignas(64) unsigned char g_bootstrap[bootstrap_bytes];
std::atomic<std::size_t> g_bootstrap_used{0};
constexpr std::size_t bootstrap_header = 16;  // keeps the block size, for realloc

bool from_bootstrap(const void* p) {
  auto* bytes = static_cast<const unsigned char*>(p);
  return bytes >= g_bootstrap && bytes < g_bootstrap + bootstrap_bytes;
}

void* bootstrap_alloc(std::size_t n, std::size_t align = 16) {
  if (align < 16) align = 16;
  std::size_t used = g_bootstrap_used.load(std::memory_order_relaxed);
  for (;;) {
    std::size_t start = (used + bootstrap_header + align - 1) & ~(align - 1);
    std::size_t end = start + n;
    if (end > bootstrap_bytes) return nullptr;
    if (g_bootstrap_used.compare_exchange_weak(used, end, std::memory_order_relaxed)) {
      std::memcpy(g_bootstrap + start - sizeof(std::size_t), &n, sizeof n);
      return g_bootstrap + start;
    }
  }
}

std::size_t bootstrap_size(const void* p) {
  std::size_t n;
  std::memcpy(&n, static_cast<const unsigned char*>(p) - sizeof n, sizeof n);
  return n;
}

template <typename Fn>
void resolve_one(Fn& slot, const char* name) {
  slot = reinterpret_cast<Fn>(dlsym(RTLD_NEXT, name));
}

void resolve_slow() {
  int expected = unresolved;
  if (g_resolve_state.compare_exchange_strong(expected, resolving, std::memory_order_acq_rel)) {
    t_resolving = true;
    resolve_one(g_real.malloc, "malloc");
    resolve_one(g_real.calloc, "calloc");
    resolve_one(g_real.realloc, "realloc");
    resolve_one(g_real.free, "free");
    resolve_one(g_real.posix_memalign, "posix_memalign");
    resolve_one(g_real.aligned_alloc, "aligned_alloc");
    resolve_one(g_real.memalign, "memalign");
    t_resolving = false;
    if (!g_real.malloc || !g_real.calloc || !g_real.realloc || !g_real.free || !g_real.posix_memalign) {
      static const char message[] = "velo: allocation interposer cannot find the real malloc\n";
      (void)!write(2, message, sizeof message - 1);
      abort();
    }
    g_resolve_state.store(ready, std::memory_order_release);
    return;
  }
  // Another thread is resolving (only possible if threads start before the first
  // allocation): wait for it.
  while (g_resolve_state.load(std::memory_order_acquire) != ready) {
  }
}

// True if the real functions are usable; false if this thread is inside dlsym and
// must use the bootstrap arena.
inline bool real_ready() {
  if (g_resolve_state.load(std::memory_order_acquire) == ready) [[likely]] return true;
  if (t_resolving) return false;
  resolve_slow();
  return true;
}

// ---- per-thread counters -----------------------------------------------------

using Counter = std::atomic<std::uint64_t>;

// Only the owning thread writes, so an increment is a relaxed load and store; the
// atomics are there so that totals() may read them from another thread.
inline void bump(Counter& counter, std::uint64_t by) {
  counter.store(counter.load(std::memory_order_relaxed) + by, std::memory_order_relaxed);
}

enum : int { unregistered, registered, retired };

struct ThreadBlock {
  Counter allocations{0};
  Counter bytes{0};
  Counter frees{0};
  ThreadBlock* prev = nullptr;
  ThreadBlock* next = nullptr;
  int state = unregistered;
};

thread_local ThreadBlock t_block __attribute__((tls_model("initial-exec")));

// Registry of live blocks plus the folded totals of exited threads. Touched once
// per thread start and exit and by totals(), never on the hot path.
std::atomic_flag g_registry_lock;  // clear (C++20 default)
ThreadBlock* g_live = nullptr;
Counter g_retired_allocations{0};
Counter g_retired_bytes{0};
Counter g_retired_frees{0};
pthread_key_t g_exit_key;
std::atomic<bool> g_exit_key_made{false};
bool g_counting = true;  // set once by the constructor below, before threads exist

struct RegistryLock {
  RegistryLock() {
    while (g_registry_lock.test_and_set(std::memory_order_acquire)) {
    }
  }
  ~RegistryLock() { g_registry_lock.clear(std::memory_order_release); }
  RegistryLock(const RegistryLock&) = delete;
  RegistryLock& operator=(const RegistryLock&) = delete;
};

void retire_thread(void* block_pointer) {
  auto* block = static_cast<ThreadBlock*>(block_pointer);
  RegistryLock lock;
  bump(g_retired_allocations, block->allocations.load(std::memory_order_relaxed));
  bump(g_retired_bytes, block->bytes.load(std::memory_order_relaxed));
  bump(g_retired_frees, block->frees.load(std::memory_order_relaxed));
  if (block->prev) block->prev->next = block->next; else g_live = block->next;
  if (block->next) block->next->prev = block->prev;
  block->state = retired;
}

// First allocation of a thread: link its block and arrange for the fold at exit.
void register_thread(ThreadBlock& block) {
  if (!g_exit_key_made.load(std::memory_order_acquire)) {
    RegistryLock lock;
    if (!g_exit_key_made.load(std::memory_order_relaxed)) {
      // No allocation: keys live in a static table.
      if (pthread_key_create(&g_exit_key, retire_thread) != 0) abort();
      g_exit_key_made.store(true, std::memory_order_release);
    }
  }
  {
    RegistryLock lock;
    block.next = g_live;
    if (g_live) g_live->prev = &block;
    g_live = &block;
    block.state = registered;
  }
  // May itself allocate for high key numbers; the block is registered by then.
  pthread_setspecific(g_exit_key, &block);
}

// Allocations a thread makes after its exit fold (late destructors): rare, so they
// go straight to the retired totals.
void count_retired(Counter& counter, std::uint64_t by) {
  RegistryLock lock;
  bump(counter, by);
}

inline void count_allocation(std::size_t bytes) {
  if (!g_counting) return;
  ThreadBlock& block = t_block;
  if (block.state != registered) [[unlikely]] {
    if (block.state == retired) {
      count_retired(g_retired_allocations, 1);
      count_retired(g_retired_bytes, bytes);
      return;
    }
    register_thread(block);
  }
  bump(block.allocations, 1);
  bump(block.bytes, bytes);
}

inline void count_free() {
  if (!g_counting) return;
  ThreadBlock& block = t_block;
  if (block.state != registered) [[unlikely]] {
    if (block.state == retired) return count_retired(g_retired_frees, 1);
    register_thread(block);
  }
  bump(block.frees, 1);
}

// Reads VELO_ALLOC_COUNTING once the environment exists (the first allocations
// happen inside the dynamic loader, before it does). Counting stays off for the
// whole process if the variable says "0".
__attribute__((constructor(101))) void read_counting_switch() {
  const char* value = getenv("VELO_ALLOC_COUNTING");
  if (value && value[0] == '0' && value[1] == '\0') g_counting = false;
  // A child forked while another thread held the registry lock would deadlock.
  pthread_atfork(nullptr, nullptr, [] { g_registry_lock.clear(std::memory_order_relaxed); });
}

// ---- shared bodies -----------------------------------------------------------

inline void* counted_malloc(std::size_t n) {
  if (!real_ready()) [[unlikely]] return bootstrap_alloc(n);
  void* p = g_real.malloc(n);
  if (p) count_allocation(n);
  return p;
}

inline void counted_free(void* p) {
  if (!p || from_bootstrap(p)) [[unlikely]] return;
  count_free();
  g_real.free(p);
}

inline void* counted_memalign(std::size_t align, std::size_t n) {
  if (!real_ready()) [[unlikely]] return bootstrap_alloc(n, align);
  if (align < sizeof(void*)) align = sizeof(void*);
  void* p = nullptr;
  if (g_real.posix_memalign(&p, align, n) != 0) return nullptr;
  count_allocation(n);
  return p;
}

// operator new: retry through the new-handler, then throw (the standard's loop).
inline void* new_or_throw(std::size_t n) {
  for (;;) {
    if (void* p = counted_malloc(n ? n : 1)) return p;
    std::new_handler handler = std::get_new_handler();
    if (!handler) throw std::bad_alloc();
    handler();
  }
}

inline void* aligned_new_or_throw(std::size_t n, std::align_val_t align) {
  for (;;) {
    if (void* p = counted_memalign(static_cast<std::size_t>(align), n ? n : 1)) return p;
    std::new_handler handler = std::get_new_handler();
    if (!handler) throw std::bad_alloc();
    handler();
  }
}

// The nothrow forms: same loop, but no exception is made when there is no
// handler (throwing and catching bad_alloc would itself allocate).
template <typename Allocate>
inline void* null_on_failure(Allocate allocate) noexcept {
  for (;;) {
    if (void* p = allocate()) return p;
    std::new_handler handler = std::get_new_handler();
    if (!handler) return nullptr;
    try {
      handler();
    } catch (...) {
      return nullptr;
    }
  }
}

inline void* new_or_null(std::size_t n) noexcept {
  return null_on_failure([n] { return counted_malloc(n ? n : 1); });
}

inline void* aligned_new_or_null(std::size_t n, std::align_val_t align) noexcept {
  return null_on_failure([n, align] { return counted_memalign(static_cast<std::size_t>(align), n ? n : 1); });
}

}  // namespace

// ---- hooks for velo::alloc -----------------------------------------------------

extern "C" bool velo_alloc_interposer_counting() noexcept { return g_counting; }

extern "C" void velo_alloc_interposer_totals(std::uint64_t out[3]) noexcept {
  RegistryLock lock;
  out[0] = g_retired_allocations.load(std::memory_order_relaxed);
  out[1] = g_retired_bytes.load(std::memory_order_relaxed);
  out[2] = g_retired_frees.load(std::memory_order_relaxed);
  for (ThreadBlock* block = g_live; block; block = block->next) {
    out[0] += block->allocations.load(std::memory_order_relaxed);
    out[1] += block->bytes.load(std::memory_order_relaxed);
    out[2] += block->frees.load(std::memory_order_relaxed);
  }
}

extern "C" void* velo_alloc_interposer_real_malloc() noexcept {
  real_ready();
  return reinterpret_cast<void*>(g_real.malloc);
}

// ---- the C allocation calls ----------------------------------------------------

extern "C" {

void* malloc(size_t n) noexcept { return counted_malloc(n); }

void free(void* p) noexcept { counted_free(p); }

void* calloc(size_t count, size_t size) noexcept {
  size_t n;
  if (__builtin_mul_overflow(count, size, &n)) {
    errno = ENOMEM;
    return nullptr;
  }
  if (!real_ready()) [[unlikely]] return bootstrap_alloc(n);  // the arena is zeroed
  void* p = g_real.calloc(count, size);
  if (p) count_allocation(n);
  return p;
}

// realloc counts as one allocation of the new size plus one free of the old block
// (what a move to a new block costs); realloc(nullptr, n) is a malloc and
// realloc(p, 0) a free, as in glibc.
void* realloc(void* p, size_t n) noexcept {
  if (!p) return counted_malloc(n);
  if (from_bootstrap(p)) [[unlikely]] {
    void* moved = counted_malloc(n ? n : 1);
    if (moved) std::memcpy(moved, p, n < bootstrap_size(p) ? n : bootstrap_size(p));
    return moved;
  }
  if (!real_ready()) [[unlikely]] return nullptr;
  void* q = g_real.realloc(p, n);
  if (n == 0) {
    count_free();
    if (q) count_allocation(0);
    return q;
  }
  if (q) {
    count_free();
    count_allocation(n);
  }
  return q;
}

void* reallocarray(void* p, size_t count, size_t size) noexcept {
  size_t n;
  if (__builtin_mul_overflow(count, size, &n)) {
    errno = ENOMEM;
    return nullptr;
  }
  return realloc(p, n);
}

int posix_memalign(void** out, size_t align, size_t n) noexcept {
  if (!real_ready()) [[unlikely]] {
    *out = bootstrap_alloc(n, align);
    return *out ? 0 : ENOMEM;
  }
  int result = g_real.posix_memalign(out, align, n);
  if (result == 0) count_allocation(n);
  return result;
}

void* aligned_alloc(size_t align, size_t n) noexcept {
  if (!real_ready()) [[unlikely]] return bootstrap_alloc(n, align);
  void* p = g_real.aligned_alloc ? g_real.aligned_alloc(align, n) : nullptr;
  if (p) count_allocation(n);
  return p;
}

void* memalign(size_t align, size_t n) noexcept {
  if (!real_ready()) [[unlikely]] return bootstrap_alloc(n, align);
  void* p = g_real.memalign ? g_real.memalign(align, n) : nullptr;
  if (p) count_allocation(n);
  return p;
}

// Through the real memalign, so the block comes from the same allocator as free's.
void* valloc(size_t n) noexcept {
  return memalign(static_cast<size_t>(sysconf(_SC_PAGESIZE)), n);
}

void* pvalloc(size_t n) noexcept {
  const size_t page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
  return memalign(page, (n + page - 1) & ~(page - 1));
}

}  // extern "C"

// ---- operator new / delete -----------------------------------------------------

void* operator new(std::size_t n) { return new_or_throw(n); }
void* operator new[](std::size_t n) { return new_or_throw(n); }
void* operator new(std::size_t n, const std::nothrow_t&) noexcept { return new_or_null(n); }
void* operator new[](std::size_t n, const std::nothrow_t&) noexcept { return new_or_null(n); }
void* operator new(std::size_t n, std::align_val_t align) { return aligned_new_or_throw(n, align); }
void* operator new[](std::size_t n, std::align_val_t align) { return aligned_new_or_throw(n, align); }
void* operator new(std::size_t n, std::align_val_t align, const std::nothrow_t&) noexcept {
  return aligned_new_or_null(n, align);
}
void* operator new[](std::size_t n, std::align_val_t align, const std::nothrow_t&) noexcept {
  return aligned_new_or_null(n, align);
}

void operator delete(void* p) noexcept { counted_free(p); }
void operator delete[](void* p) noexcept { counted_free(p); }
void operator delete(void* p, std::size_t) noexcept { counted_free(p); }
void operator delete[](void* p, std::size_t) noexcept { counted_free(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { counted_free(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { counted_free(p); }
void operator delete(void* p, std::align_val_t) noexcept { counted_free(p); }
void operator delete[](void* p, std::align_val_t) noexcept { counted_free(p); }
void operator delete(void* p, std::size_t, std::align_val_t) noexcept { counted_free(p); }
void operator delete[](void* p, std::size_t, std::align_val_t) noexcept { counted_free(p); }
void operator delete(void* p, std::align_val_t, const std::nothrow_t&) noexcept { counted_free(p); }
void operator delete[](void* p, std::align_val_t, const std::nothrow_t&) noexcept { counted_free(p); }

#endif

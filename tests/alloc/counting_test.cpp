// Allocation accounting counts exactly: every form of operator new/delete and of
// the C calls, on any thread, including threads that exited before totals() was
// read. Under ASan/TSan the interposer is compiled out and must say so.
#include <malloc.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <new>
#include <string>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include "alloc/counting.hpp"
#include "alloc/preload.hpp"

namespace {

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
constexpr bool sanitized = true;
#else
constexpr bool sanitized = false;
#endif

// Keeps the compiler from eliding an allocation whose result is unused.
template <typename T>
T* escape(T* p) {
  asm volatile("" : : "r"(p) : "memory");
  return p;
}

using velo::alloc::Counts;

template <typename Body>
Counts counted(Body&& body) {
  const Counts before = velo::alloc::totals();
  body();
  return velo::alloc::totals() - before;
}

void check(const Counts& got, std::uint64_t allocations, std::uint64_t bytes, std::uint64_t frees) {
  CHECK(got.allocations == allocations);
  CHECK(got.bytes == bytes);
  CHECK(got.frees == frees);
}

struct alignas(64) CacheLine {
  unsigned char bytes[64];
};

// Runs this test binary again with `environment` set, running only `test_name`;
// true if that child passed.
bool child_passes(const char* test_name, const char* variable, const char* value) {
  const pid_t pid = fork();
  if (pid == 0) {
    setenv(variable, value, 1);
    execl("/proc/self/exe", "counting_test", test_name, static_cast<char*>(nullptr));
    _exit(127);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

}  // namespace

TEST_CASE("counting is on in a normal build and off under sanitizers", "[alloc]") {
  CHECK(velo::alloc::counting_active() == !sanitized);
  if (sanitized) {
    const Counts none = velo::alloc::totals();
    CHECK(none.allocations == 0);
  }
}

// Catch2 v2 has no skip: a sanitizer build reports counting off (checked above)
// and the exact-count tests have nothing to count.
#define REQUIRE_COUNTING()                                          \
  do {                                                             \
    if (!velo::alloc::counting_active()) {                         \
      WARN("allocation counting is off in this build: not tested"); \
      return;                                                      \
    }                                                              \
  } while (false)

TEST_CASE("the C allocation calls are counted exactly", "[alloc]") {
  REQUIRE_COUNTING();
  void* p = nullptr;
  check(counted([&] { p = escape(std::malloc(100)); }), 1, 100, 0);
  check(counted([&] { std::free(p); }), 0, 0, 1);
  check(counted([&] { std::free(escape<void>(nullptr)); }), 0, 0, 0);

  check(counted([&] { p = escape(std::calloc(10, 30)); }), 1, 300, 0);
  CHECK(static_cast<unsigned char*>(p)[299] == 0);
  std::free(p);

  check(counted([&] { p = escape(std::realloc(nullptr, 50)); }), 1, 50, 0);
  check(counted([&] { p = escape(std::realloc(p, 5000)); }), 1, 5000, 1);
  check(counted([&] { p = escape(reallocarray(p, 10, 7)); }), 1, 70, 1);
  std::free(p);

  check(counted([&] { CHECK(posix_memalign(&p, 64, 200) == 0); }), 1, 200, 0);
  CHECK(reinterpret_cast<std::uintptr_t>(p) % 64 == 0);
  std::free(p);
  check(counted([&] { p = escape(aligned_alloc(128, 256)); }), 1, 256, 0);
  CHECK(reinterpret_cast<std::uintptr_t>(p) % 128 == 0);
  std::free(p);
  check(counted([&] { p = escape(memalign(32, 96)); }), 1, 96, 0);
  CHECK(reinterpret_cast<std::uintptr_t>(p) % 32 == 0);
  std::free(p);
  const auto page = static_cast<std::uint64_t>(sysconf(_SC_PAGESIZE));
  check(counted([&] { p = escape(valloc(10)); }), 1, 10, 0);
  CHECK(reinterpret_cast<std::uintptr_t>(p) % page == 0);
  std::free(p);
  check(counted([&] { p = escape(pvalloc(10)); }), 1, page, 0);
  std::free(p);
}

TEST_CASE("every form of operator new and delete is counted exactly", "[alloc]") {
  REQUIRE_COUNTING();
  void* p = nullptr;
  check(counted([&] { p = escape(::operator new(24)); }), 1, 24, 0);
  check(counted([&] { ::operator delete(p); }), 0, 0, 1);
  check(counted([&] { p = escape(::operator new[](40)); }), 1, 40, 0);
  check(counted([&] { ::operator delete[](p); }), 0, 0, 1);
  check(counted([&] { p = escape(::operator new(24, std::nothrow)); }), 1, 24, 0);
  check(counted([&] { ::operator delete(p, std::nothrow); }), 0, 0, 1);
  check(counted([&] { p = escape(::operator new[](40, std::nothrow)); }), 1, 40, 0);
  check(counted([&] { ::operator delete[](p, std::nothrow); }), 0, 0, 1);
  check(counted([&] { p = escape(::operator new(24)); }), 1, 24, 0);
  check(counted([&] { ::operator delete(p, 24); }), 0, 0, 1);
  check(counted([&] { p = escape(::operator new[](40)); }), 1, 40, 0);
  check(counted([&] { ::operator delete[](p, 40); }), 0, 0, 1);

  const std::align_val_t align{256};
  auto aligned = [&] { return reinterpret_cast<std::uintptr_t>(p) % 256 == 0; };
  check(counted([&] { p = escape(::operator new(24, align)); }), 1, 24, 0);
  CHECK(aligned());
  check(counted([&] { ::operator delete(p, align); }), 0, 0, 1);
  check(counted([&] { p = escape(::operator new[](40, align)); }), 1, 40, 0);
  CHECK(aligned());
  check(counted([&] { ::operator delete[](p, align); }), 0, 0, 1);
  check(counted([&] { p = escape(::operator new(24, align, std::nothrow)); }), 1, 24, 0);
  CHECK(aligned());
  check(counted([&] { ::operator delete(p, align, std::nothrow); }), 0, 0, 1);
  check(counted([&] { p = escape(::operator new[](40, align, std::nothrow)); }), 1, 40, 0);
  check(counted([&] { ::operator delete[](p, align, std::nothrow); }), 0, 0, 1);
  check(counted([&] { p = escape(::operator new(24, align)); }), 1, 24, 0);
  check(counted([&] { ::operator delete(p, 24, align); }), 0, 0, 1);
  check(counted([&] { p = escape(::operator new[](40, align)); }), 1, 40, 0);
  check(counted([&] { ::operator delete[](p, 40, align); }), 0, 0, 1);

  // New-expressions go through the same operators (an over-aligned type picks the
  // aligned form).
  CacheLine* line = nullptr;
  check(counted([&] { line = escape(new CacheLine); }), 1, sizeof(CacheLine), 0);
  CHECK(reinterpret_cast<std::uintptr_t>(line) % alignof(CacheLine) == 0);
  check(counted([&] { delete escape(line); }), 0, 0, 1);
  std::vector<int>* ints = nullptr;
  check(counted([&] { ints = escape(new std::vector<int>(1000)); }), 2,
        sizeof(std::vector<int>) + 1000 * sizeof(int), 0);
  check(counted([&] { delete escape(ints); }), 0, 0, 2);
}

TEST_CASE("a failed allocation is not counted", "[alloc]") {
  REQUIRE_COUNTING();
  void* p = reinterpret_cast<void*>(1);
  const std::size_t impossible = ~std::size_t{0} / 2;
  check(counted([&] { p = escape(::operator new(impossible, std::nothrow)); }), 0, 0, 0);
  CHECK(p == nullptr);
  // Throwing allocates the exception object (and frees it): that one is real.
  const Counts thrown = counted([&] {
    try {
      escape(::operator new(impossible));
    } catch (const std::bad_alloc&) {
    }
  });
  CHECK(thrown.allocations == 1);
  CHECK(thrown.bytes < 4096);
  CHECK(thrown.frees == 1);
}

namespace {

// `threads` threads each make `per_thread` allocations of `bytes` and free them,
// then exit; returns the counts seen after they were joined.
Counts threads_allocating(int threads, int per_thread, std::size_t bytes) {
  return counted([&] {
    std::vector<std::thread> workers;
    for (int t = 0; t < threads; ++t) {
      workers.emplace_back([=] {
        for (int i = 0; i < per_thread; ++i) ::operator delete(escape(::operator new(bytes)));
      });
    }
    for (auto& worker : workers) worker.join();
  });
}

}  // namespace

TEST_CASE("allocations of threads that exited still count", "[alloc]") {
  REQUIRE_COUNTING();
  // Starting a thread allocates by itself (its std::thread state, TLS): measure
  // that with threads that allocate nothing, and subtract.
  threads_allocating(4, 0, 0);
  const Counts empty = threads_allocating(4, 0, 0);
  const Counts busy = threads_allocating(4, 1000, 48);
  check(busy - empty, 4000, 4000 * 48, 4000);
}

TEST_CASE("a live idle thread's allocations are in the totals", "[alloc]") {
  REQUIRE_COUNTING();
  std::atomic<int> stage{0};
  std::vector<void*> kept(10);
  const Counts before = velo::alloc::totals();
  std::thread worker([&] {
    for (void*& p : kept) p = escape(std::malloc(1000));
    stage.store(1, std::memory_order_release);
    stage.wait(1);  // stays alive, idle, until the counts were read
  });
  while (stage.load(std::memory_order_acquire) != 1) std::this_thread::yield();
  const Counts during = velo::alloc::totals() - before;
  stage.store(2);
  stage.notify_one();
  worker.join();
  for (void* p : kept) std::free(p);
  // >=: starting the thread allocates too; the 10 blocks must all be there.
  CHECK(during.allocations >= 10);
  CHECK(during.bytes >= 10 * 1000);
}

TEST_CASE("totals are monotonic while threads come and go", "[alloc]") {
  REQUIRE_COUNTING();
  Counts last = velo::alloc::totals();
  for (int round = 0; round < 20; ++round) {
    threads_allocating(2, 10, 16);
    const Counts now = velo::alloc::totals();
    CHECK(now.allocations >= last.allocations + 20);
    CHECK(now.frees >= last.frees + 20);
    last = now;
  }
}

TEST_CASE("the active allocator is checked, not assumed", "[alloc]") {
  const std::string active = velo::alloc::active_allocator();
  INFO(active);
  if (!sanitized) CHECK(active == "glibc");
  CHECK(velo::alloc::allocator_family("jemalloc 5.3.0") == "jemalloc");
  CHECK(velo::alloc::allocator_family("glibc") == "glibc");
  CHECK(velo::alloc::peak_rss_bytes().value_or(0) > 0);
}

// Children: run by the tests below in a fresh process with an environment set.
TEST_CASE("child: counting disabled", "[.child_disabled]") {
  CHECK_FALSE(velo::alloc::counting_active());
  CHECK(velo::alloc::totals().allocations == 0);
}

TEST_CASE("child: under a preloaded allocator", "[.child_preloaded]") {
  const char* expected = std::getenv("VELO_TEST_EXPECT_ALLOCATOR");
  REQUIRE(expected);
  CHECK(velo::alloc::allocator_family(velo::alloc::active_allocator()) == expected);
  REQUIRE(velo::alloc::counting_active());
  void* p = nullptr;
  check(counted([&] { p = escape(std::malloc(100)); }), 1, 100, 0);
  std::free(p);
  CHECK(counted([&] { threads_allocating(2, 100, 64); }).allocations >= 200);
}

TEST_CASE("VELO_ALLOC_COUNTING=0 switches counting off", "[alloc]") {
  if (sanitized) return;
  CHECK(child_passes("[.child_disabled]", "VELO_ALLOC_COUNTING", "0"));
}

TEST_CASE("counting works with jemalloc and mimalloc preloaded", "[alloc]") {
  if (sanitized) return;  // the sanitizer runtime must come first: no preloading
  for (const char* family : {"jemalloc", "mimalloc"}) {
    const auto path = velo::alloc::find_allocator_library(family);
    if (!path) {
      WARN(family << " is not installed: not tested");
      continue;
    }
    INFO(family << " from " << *path);
    setenv("VELO_TEST_EXPECT_ALLOCATOR", family, 1);
    CHECK(child_passes("[.child_preloaded]", "LD_PRELOAD", path->c_str()));
  }
}

// Every pool variant hands out usable, aligned, correctly sized objects, never to
// two holders at once (the workload tags both ends of each object and checks them
// on release, with threads and cross-thread hand-offs), gives everything back
// (ASan's leak checker runs at exit), and reuses objects the way its design says.
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <map>
#include <string>

#include <catch2/catch.hpp>

#include "alloc/counting.hpp"
#include "alloc/preload.hpp"
#include "families/pool/pool.hpp"

namespace {

struct Sink final : velo::MetricSink {
  void add(std::string_view metric, double value) override { metrics[std::string(metric)] = value; }
  std::map<std::string, double> metrics;
};

velo::Params params_for(const velo::Family& family, const velo::Implementation& impl,
                        std::map<std::string, velo::ParamValue> overrides = {}) {
  velo::Params params;
  for (const auto& spec : family.params) params.set(spec.name, spec.default_value);
  for (const auto& spec : impl.params) params.set(spec.name, spec.default_value);
  for (auto& [name, value] : overrides) params.set(name, value);
  return params;
}

// nullopt: the case is skipped (by the implementation or its factory).
std::unique_ptr<velo::Workload> make(const velo::Implementation& impl, const velo::Params& params,
                                     std::string* skip_reason = nullptr) {
  if (impl.case_unsupported) {
    if (auto reason = impl.case_unsupported(params)) {
      if (skip_reason) *skip_reason = *reason;
      return nullptr;
    }
  }
  auto made = impl.make(params);
  if (auto* error = std::get_if<velo::CaseError>(&made)) {
    REQUIRE(error->skip);  // a real failure would be a bug
    if (skip_reason) *skip_reason = error->reason;
    return nullptr;
  }
  return std::move(std::get<std::unique_ptr<velo::Workload>>(made));
}

velo::Status run_once(velo::Workload& workload, std::int64_t ops, Sink& sink) {
  workload.begin_repetition();
  const double seconds = workload.run(ops);
  return workload.end_repetition(sink, ops, seconds);
}

std::string message(const velo::Status& status) { return status ? "" : status.error().message; }

}  // namespace

TEST_CASE("every pool variant gives back what it took, intact", "[pool]") {
  const velo::Family family = velo::make_pool_family();
  REQUIRE(family.impls.size() == 8);
  for (const auto& impl : family.impls) {
    for (std::int64_t threads : {1, 2, 3}) {
      for (std::int64_t live : {1, 5}) {
        for (double cross : {0.0, 0.5, 1.0}) {
          for (std::int64_t object_bytes : {64, 4096}) {
            DYNAMIC_SECTION(impl.name << " threads=" << threads << " live=" << live << " cross=" << cross
                                      << " object=" << object_bytes) {
              const auto params = params_for(family, impl,
                                             {{"threads", threads},
                                              {"live", live},
                                              {"cross_thread", cross},
                                              {"object_bytes", object_bytes}});
              std::string skipped;
              auto workload = make(impl, params, &skipped);
              if (!workload) {
                // Only combinations the design cannot serve are skipped.
                CHECK((cross > 0 || live > 1));
                CHECK(!skipped.empty());
                continue;
              }
              Sink sink;
              // Uneven splits (1 op over 3 threads) and repeated runs accumulate.
              for (std::int64_t ops : {1, 7, 1500}) {
                const velo::Status status = run_once(*workload, ops, sink);
                INFO(message(status));
                CHECK(status.ok());
              }
            }
          }
        }
      }
    }
  }
}

TEST_CASE("partial touches and large objects", "[pool]") {
  const velo::Family family = velo::make_pool_family();
  for (const auto& impl : family.impls) {
    DYNAMIC_SECTION(impl.name) {
      for (auto [object_bytes, touch_bytes] : {std::pair<std::int64_t, std::int64_t>{65536, 8},
                                               {65536, 100}, {1 << 20, 0}}) {
        auto workload = make(impl, params_for(family, impl,
                                              {{"threads", std::int64_t{2}},
                                               {"object_bytes", object_bytes},
                                               {"touch_bytes", touch_bytes}}));
        REQUIRE(workload);
        Sink sink;
        CHECK(run_once(*workload, 50, sink).ok());
        CHECK(workload->details()["touch_bytes"] == (touch_bytes == 0 ? object_bytes : touch_bytes));
      }
    }
  }
}

TEST_CASE("scenario rules: touch_bytes and hand-offs", "[pool]") {
  const velo::Family family = velo::make_pool_family();
  const auto& impl = *family.find_impl("tls_freelist");
  CHECK(family.validate(params_for(family, impl, {{"touch_bytes", std::int64_t{4}}})).has_value());
  CHECK(family.validate(params_for(family, impl, {{"touch_bytes", std::int64_t{128}}})).has_value());
  CHECK_FALSE(family.validate(params_for(family, impl, {{"touch_bytes", std::int64_t{0}}})).has_value());
  CHECK_FALSE(family.validate(params_for(family, impl, {{"touch_bytes", std::int64_t{64}}})).has_value());
  std::string reason;
  CHECK_FALSE(make(impl, params_for(family, impl, {{"cross_thread", 0.5}}), &reason));
  CHECK(reason.find("threads >= 2") != std::string::npos);
}

TEST_CASE("pools reuse objects; new_delete never does", "[pool]") {
  const velo::Family family = velo::make_pool_family();
  for (const char* name : {"new_delete", "tls_freelist", "mutex_freelist", "lockfree_stack", "sync_pool"}) {
    DYNAMIC_SECTION(name) {
      const auto& impl = *family.find_impl(name);
      auto workload = make(impl, params_for(family, impl, {{"live", std::int64_t{4}}}));
      Sink sink;
      REQUIRE(run_once(*workload, 1000, sink).ok());
      REQUIRE(sink.metrics.count("reused_pct"));
      // One thread holding 4 at a time needs 4 objects, ever.
      CHECK(sink.metrics["reused_pct"] == Approx(std::string(name) == "new_delete" ? 0.0 : 99.6));
    }
  }
  // pmr resources reuse internally, invisibly: no made-up figure.
  const auto& pmr = *family.find_impl("pmr_sync");
  auto workload = make(pmr, params_for(family, pmr));
  Sink sink;
  REQUIRE(run_once(*workload, 100, sink).ok());
  CHECK(sink.metrics.count("reused_pct") == 0);
}

TEST_CASE("tls_freelist frees beyond its cap", "[pool]") {
  const velo::Family family = velo::make_pool_family();
  const auto& impl = *family.find_impl("tls_freelist");
  // Holding 10 at once with cap 3: the list keeps 3, 7 per 10 ops are fresh again.
  auto workload = make(impl, params_for(family, impl, {{"live", std::int64_t{10}}, {"cap", std::int64_t{3}}}));
  Sink sink;
  REQUIRE(run_once(*workload, 10, sink).ok());
  CHECK(sink.metrics["reused_pct"] == Approx(0.0));
  REQUIRE(run_once(*workload, 10, sink).ok());
  CHECK(sink.metrics["reused_pct"] == Approx(30.0));
}

TEST_CASE("sync_pool keeps objects for one clear, frees them at the second", "[pool]") {
  const velo::Family family = velo::make_pool_family();
  const auto& impl = *family.find_impl("sync_pool");
  auto workload = make(impl, params_for(family, impl, {{"live", std::int64_t{4}}}));
  Sink sink;
  REQUIRE(run_once(*workload, 4, sink).ok());  // 4 fresh objects, then pooled
  CHECK(sink.metrics["reused_pct"] == Approx(0.0));
  REQUIRE(run_once(*workload, 4, sink).ok());  // one clear: served from the victim
  CHECK(sink.metrics["reused_pct"] == Approx(100.0));
  workload->begin_repetition();  // a second clear with no use in between: freed
  REQUIRE(run_once(*workload, 4, sink).ok());
  CHECK(sink.metrics["reused_pct"] == Approx(0.0));
}

TEST_CASE("allocation counts per op match each design", "[pool][alloc]") {
  if (!velo::alloc::counting_active()) {
    WARN("allocation counting is off in this build: not tested");
    return;
  }
  const velo::Family family = velo::make_pool_family();
  auto allocations_in = [](velo::Workload& workload, std::int64_t ops) {
    Sink sink;
    workload.begin_repetition();
    const auto before = velo::alloc::totals();
    workload.run(ops);
    const auto counted = velo::alloc::totals() - before;
    REQUIRE(workload.end_repetition(sink, ops, 0).ok());
    return counted;
  };
  const auto& new_delete = *family.find_impl("new_delete");
  auto baseline = make(new_delete, params_for(family, new_delete, {{"object_bytes", std::int64_t{4096}}}));
  allocations_in(*baseline, 10);
  const auto counted = allocations_in(*baseline, 1000);
  CHECK(counted.allocations == 1000);
  CHECK(counted.bytes == 1000 * 4096);
  CHECK(counted.frees == 1000);
  for (const char* name : {"tls_freelist", "mutex_freelist", "lockfree_stack", "sync_pool", "pmr_unsync"}) {
    INFO(name);
    const auto& impl = *family.find_impl(name);
    auto pooled = make(impl, params_for(family, impl));  // one thread: reuse is deterministic
    allocations_in(*pooled, 100);  // warm
    CHECK(allocations_in(*pooled, 1000).allocations == 0);
  }
}

TEST_CASE("the allocator axis preloads the library and checks what served", "[pool]") {
  const velo::Family family = velo::make_pool_family();
  const auto& impl = *family.find_impl("new_delete");
  REQUIRE(impl.worker_environment);
  CHECK(impl.worker_environment(params_for(family, impl)).empty());
  for (const char* allocator : {"jemalloc", "mimalloc"}) {
    INFO(allocator);
    const auto params = params_for(family, impl, {{"allocator", std::string(allocator)}});
    const auto library = velo::alloc::find_allocator_library(allocator);
    if (!library || velo::alloc::sanitizer_replaces_malloc()) {
      REQUIRE(impl.case_unsupported(params).has_value());
      continue;
    }
    CHECK_FALSE(impl.case_unsupported(params).has_value());
    CHECK(impl.worker_environment(params).at("LD_PRELOAD") == *library);
    // In this process (nothing preloaded) glibc serves: the case must fail.
    auto workload = make(impl, params);
    Sink sink;
    const velo::Status status = run_once(*workload, 10, sink);
    REQUIRE_FALSE(status.ok());
    CHECK(status.error().message.find("glibc serves") != std::string::npos);
  }
}

#if !defined(__SANITIZE_ADDRESS__) && !defined(__SANITIZE_THREAD__)
TEST_CASE("child: new_delete under the preloaded allocator", "[.child_pool_preloaded]") {
  const velo::Family family = velo::make_pool_family();
  const auto& impl = *family.find_impl("new_delete");
  const char* allocator = std::getenv("VELO_TEST_ALLOCATOR");
  REQUIRE(allocator);
  auto workload = make(impl, params_for(family, impl, {{"allocator", std::string(allocator)},
                                                       {"threads", std::int64_t{2}},
                                                       {"cross_thread", 0.5}}));
  Sink sink;
  const velo::Status status = run_once(*workload, 1000, sink);
  INFO(message(status));
  CHECK(status.ok());
  CHECK(velo::alloc::allocator_family(workload->details()["allocator"]) == allocator);
}

TEST_CASE("new_delete runs under jemalloc and mimalloc when preloaded", "[pool]") {
  const velo::Family family = velo::make_pool_family();
  const auto& impl = *family.find_impl("new_delete");
  for (const char* allocator : {"jemalloc", "mimalloc"}) {
    const auto params = params_for(family, impl, {{"allocator", std::string(allocator)}});
    if (impl.case_unsupported(params)) continue;
    INFO(allocator);
    const pid_t pid = fork();
    if (pid == 0) {
      for (const auto& [name, value] : impl.worker_environment(params)) setenv(name.c_str(), value.c_str(), 1);
      setenv("VELO_TEST_ALLOCATOR", allocator, 1);
      execl("/proc/self/exe", "pool_test", "[.child_pool_preloaded]", static_cast<char*>(nullptr));
      _exit(127);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    CHECK((WIFEXITED(status) && WEXITSTATUS(status) == 0));
  }
}
#endif

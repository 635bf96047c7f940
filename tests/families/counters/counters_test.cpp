// Every counters variant must end with exactly the number of increments made,
// for any thread count and any split of operations.
#include <catch2/catch.hpp>

#include "families/counters/counters.hpp"

namespace {

struct Sink final : velo::MetricSink {
  void add(std::string_view, double) override {}
};

velo::Params params_for(const velo::Family& family, const velo::Implementation& impl,
                        std::int64_t threads, std::int64_t increments) {
  velo::Params params;
  for (const auto& spec : family.params) params.set(spec.name, spec.default_value);
  for (const auto& spec : impl.params) params.set(spec.name, spec.default_value);
  params.set("threads", threads);
  params.set("increments", increments);
  return params;
}

}  // namespace

TEST_CASE("every counters variant counts exactly", "[counters]") {
  const velo::Family family = velo::make_counters_family();
  REQUIRE(family.impls.size() == 6);
  for (const auto& impl : family.impls) {
    for (std::int64_t threads : {1, 2, 3, 4}) {
      for (std::int64_t increments : {1, 7}) {
        DYNAMIC_SECTION(impl.name << " threads=" << threads << " increments=" << increments) {
          auto made = impl.make(params_for(family, impl, threads, increments));
          REQUIRE(std::holds_alternative<std::unique_ptr<velo::Workload>>(made));
          auto& workload = *std::get<std::unique_ptr<velo::Workload>>(made);
          Sink sink;
          // Uneven splits (1 op over 4 threads) and repeated runs accumulate.
          for (std::int64_t ops : {1, 5, 1000, 4099}) {
            workload.begin_repetition();
            const double seconds = workload.run(ops);
            CHECK(seconds >= 0);
            const velo::Status status = workload.end_repetition(sink, ops, seconds);
            INFO((status ? "" : status.error().message));
            CHECK(status.ok());
          }
        }
      }
    }
  }
}

TEST_CASE("thread_local_batch publishes partial batches", "[counters]") {
  const velo::Family family = velo::make_counters_family();
  const auto* impl = family.find_impl("thread_local_batch");
  REQUIRE(impl);
  auto params = params_for(family, *impl, 3, 1);
  params.set("batch", std::int64_t{1000});  // far more than one run's share
  auto made = impl->make(params);
  auto& workload = *std::get<std::unique_ptr<velo::Workload>>(made);
  Sink sink;
  workload.run(10);
  CHECK(workload.end_repetition(sink, 10, 0).ok());
}

TEST_CASE("a delayed counter still counts exactly", "[counters]") {
  const velo::Family family = velo::make_counters_family();
  const auto* impl = family.find_impl("atomic_fetch_add");
  auto params = params_for(family, *impl, 2, 3);
  params.set("delay_ns", std::int64_t{100});
  auto made = impl->make(params);
  auto& workload = *std::get<std::unique_ptr<velo::Workload>>(made);
  Sink sink;
  workload.run(100);
  CHECK(workload.end_repetition(sink, 100, 0).ok());
}

TEST_CASE("sharded slots take the `op` parameter, atomic_add by default, and count exactly either way",
          "[counters]") {
  const velo::Family family = velo::make_counters_family();
  for (const char* name : {"sharded_packed", "sharded_padded"}) {
    const auto* impl = family.find_impl(name);
    REQUIRE(impl);
    const velo::ParamSpec* op = family.find_param(*impl, "op");
    REQUIRE(op != nullptr);
    CHECK(std::get<std::string>(op->default_value) == "atomic_add");
    for (const char* value : {"atomic_add", "store"}) {
      DYNAMIC_SECTION(name << " op=" << value) {
        auto params = params_for(family, *impl, 3, 7);
        params.set("op", std::string(value));
        auto made = impl->make(params);
        REQUIRE(std::holds_alternative<std::unique_ptr<velo::Workload>>(made));
        auto& workload = *std::get<std::unique_ptr<velo::Workload>>(made);
        Sink sink;
        workload.run(1001);
        CHECK(workload.end_repetition(sink, 1001, 0).ok());
      }
    }
  }
}

// Every cacheline variant does its job: the false_sharing counters hold exactly
// the increments made, every scan's checksum equals the plain reference loop's
// (checked inside end_repetition), and each case's details carry the layout it
// claims. Metrics are only ever the declared ones.
#include <catch2/catch.hpp>

#include <atomic>
#include <map>
#include <set>
#include <thread>

#include "families/cacheline/cacheline.hpp"
#include "families/increment_op.hpp"

namespace {

struct RecordingSink final : velo::MetricSink {
  void add(std::string_view metric, double value) override { metrics[std::string(metric)] = value; }
  void note(std::string_view text) override { notes.insert(std::string(text)); }
  std::map<std::string, double> metrics;
  std::set<std::string> notes;
};

velo::Params params_for(const velo::Family& family, const velo::Implementation& impl,
                        std::map<std::string, velo::ParamValue> overrides = {}) {
  velo::Params params;
  for (const auto& spec : family.params) params.set(spec.name, spec.default_value);
  for (const auto& spec : impl.params) params.set(spec.name, spec.default_value);
  for (auto& [name, value] : overrides) {
    if (impl.params.end() != std::find_if(impl.params.begin(), impl.params.end(),
                                          [&](const auto& spec) { return spec.name == name; })) {
      params.set(name, value);
    }
  }
  return params;
}

std::unique_ptr<velo::Workload> make(const velo::Implementation& impl, const velo::Params& params) {
  auto made = impl.make(params);
  if (auto* error = std::get_if<velo::CaseError>(&made)) FAIL(impl.name << ": " << error->reason);
  return std::move(std::get<std::unique_ptr<velo::Workload>>(made));
}

// Runs the workload for each op count and requires every repetition to verify.
void run_and_verify(velo::Workload& workload, const velo::Family& family,
                    std::initializer_list<std::int64_t> op_counts) {
  for (std::int64_t ops : op_counts) {
    RecordingSink sink;
    workload.begin_repetition();
    const double seconds = workload.run(ops);
    CHECK(seconds >= 0);
    const velo::Status status = workload.end_repetition(sink, ops, seconds);
    INFO("ops=" << ops << ": " << (status ? "" : status.error().message));
    REQUIRE(status.ok());
    for (const auto& [metric, value] : sink.metrics) {
      INFO(metric);
      CHECK(family.find_metric(metric) != nullptr);
      CHECK(value > 0);  // never a made-up zero
    }
    // Hardware counters: either measured or explained, never both missing.
    if (!sink.metrics.contains("cycles_per_op") && !sink.metrics.contains("instructions_per_op")) {
      bool explained = false;
      for (const auto& note : sink.notes) explained |= note.starts_with("hardware counters unavailable: ");
      CHECK(explained);
    }
  }
}

const velo::Implementation& impl_named(const velo::Family& family, std::string_view name) {
  const auto* impl = family.find_impl(name);
  REQUIRE(impl != nullptr);
  return *impl;
}

const std::set<std::string> kFalseSharing = {"false_sharing_packed", "false_sharing_padded",
                                             "local_then_publish", "mutex_same_line",
                                             "mutex_separate_lines"};

}  // namespace

TEST_CASE("the family declares every variant the issue names", "[cacheline]") {
  const velo::Family family = velo::make_cacheline_family();
  CHECK(family.impls.size() == 14);
  for (const auto& impl : family.impls) {
    CHECK(impl.make);
    CHECK_FALSE(impl.doc.empty());
  }
}

TEST_CASE("false_sharing counters hold exactly the increments made", "[cacheline][concurrency]") {
  const velo::Family family = velo::make_cacheline_family();
  for (const auto& name : kFalseSharing) {
    const auto& impl = impl_named(family, name);
    for (std::int64_t threads : {1, 2, 3}) {
      for (std::int64_t pad : {64, 128}) {
        if (pad == 128 && name != "false_sharing_padded") continue;
        DYNAMIC_SECTION(name << " threads=" << threads << " pad=" << pad) {
          auto workload = make(impl, params_for(family, impl, {{"threads", threads}, {"pad_bytes", pad}}));
          // Uneven splits (1 op over 3 threads) and repeated runs accumulate.
          run_and_verify(*workload, family, {1, 2, 5, 1000, 20011});
        }
      }
    }
  }
}

TEST_CASE("every scan's checksum matches the reference loop", "[cacheline]") {
  const velo::Family family = velo::make_cacheline_family();
  for (const auto& impl : family.impls) {
    if (kFalseSharing.contains(impl.name)) continue;
    for (std::int64_t elements : {1, 7, 1000}) {
      DYNAMIC_SECTION(impl.name << " elements=" << elements) {
        std::vector<std::map<std::string, velo::ParamValue>> cases;
        if (impl.name.starts_with("fields_")) {
          cases = {{{"fields_read", std::int64_t{1}}}, {{"fields_read", std::int64_t{2}}}};
        } else if (impl.name == "aos" || impl.name == "soa" || impl.name == "aosoa") {
          for (std::int64_t total : {4, 8, 16}) {
            for (std::int64_t read : {1, 2, 4, 8, 16}) {
              if (read > total) continue;
              for (std::int64_t block : {1, 3, 16}) {
                if (block != 16 && impl.name != "aosoa") continue;
                cases.push_back({{"fields_total", total}, {"fields_read", read}, {"block", block}});
              }
            }
          }
        } else {
          for (std::int64_t cold : {48, 112, 240}) cases.push_back({{"cold_bytes", cold}});
        }
        for (auto& overrides : cases) {
          overrides["elements"] = elements;
          const velo::Params params = params_for(family, impl, overrides);
          REQUIRE_FALSE(family.validate(params));
          auto workload = make(impl, params);
          // Runs shorter than, equal to and wrapping around the array.
          run_and_verify(*workload, family, {1, 3, elements, 2 * elements + 5, 4099});
        }
      }
    }
  }
}

TEST_CASE("scans report the bytes they touch and their cache level", "[cacheline]") {
  const velo::Family family = velo::make_cacheline_family();
  struct Expectation {
    std::string impl;
    std::map<std::string, velo::ParamValue> params;
    double bytes_per_element;
  };
  const std::vector<Expectation> expectations = {
      {"fields_declared_order", {{"fields_read", std::int64_t{1}}}, 40},
      {"fields_largest_first", {{"fields_read", std::int64_t{2}}}, 24},
      {"fields_gnu_packed", {{"fields_read", std::int64_t{1}}}, 23},
      {"aos", {{"fields_total", std::int64_t{8}}, {"fields_read", std::int64_t{1}}}, 32},
      {"soa", {{"fields_total", std::int64_t{8}}, {"fields_read", std::int64_t{2}}}, 8},
      {"aosoa", {{"fields_total", std::int64_t{8}}, {"fields_read", std::int64_t{2}}, {"block", std::int64_t{16}}}, 8},
      {"aosoa", {{"fields_total", std::int64_t{4}}, {"fields_read", std::int64_t{1}}, {"block", std::int64_t{4}}}, 16},
      {"hot_cold_inline", {{"cold_bytes", std::int64_t{112}}}, 64},
      {"hot_cold_inline", {{"cold_bytes", std::int64_t{48}}}, 64},
      {"cold_behind_pointer", {{"cold_bytes", std::int64_t{112}}}, 24},
      {"cold_parallel_array", {{"cold_bytes", std::int64_t{240}}}, 16},
  };
  for (const auto& expectation : expectations) {
    INFO(expectation.impl);
    auto params = expectation.params;
    params["elements"] = std::int64_t{1024};
    const auto& impl = impl_named(family, expectation.impl);
    auto workload = make(impl, params_for(family, impl, params));
    const auto details = workload->details();
    CHECK(details["bytes_per_element"].get<double>() == expectation.bytes_per_element);
    CHECK(details["touched_bytes"].get<double>() == 1024 * expectation.bytes_per_element);
    CHECK(details["elements"] == 1024);
    const std::string level = details["cache_level"];
    CHECK((level == "L1d" || level == "L2" || level == "L3" || level == "DRAM"));
    CHECK_THAT(details["description"].get<std::string>(), Catch::Contains(level));

    RecordingSink sink;
    workload->run(10);
    REQUIRE(workload->end_repetition(sink, 10, 0).ok());
    CHECK(sink.metrics.at("bytes_per_element") == expectation.bytes_per_element);
  }
}

namespace {

nlohmann::json first_layout(const velo::Family& family, std::string_view impl_name,
                            std::map<std::string, velo::ParamValue> params = {}) {
  const auto& impl = impl_named(family, impl_name);
  params["elements"] = std::int64_t{16};
  return make(impl, params_for(family, impl, params))->details()["layouts"][0];
}

std::map<std::string, std::int64_t> offsets(const nlohmann::json& layout) {
  std::map<std::string, std::int64_t> result;
  for (const auto& field : layout["fields"]) result[field["name"]] = field["offset"];
  return result;
}

}  // namespace

TEST_CASE("field_order layouts have the sizes, offsets and padding claimed", "[cacheline]") {
  const velo::Family family = velo::make_cacheline_family();
  const auto declared = first_layout(family, "fields_declared_order");
  CHECK(declared["sizeof"] == 40);
  CHECK(declared["alignof"] == 8);
  CHECK(declared["padding_bytes"] == 17);
  CHECK(offsets(declared) == std::map<std::string, std::int64_t>{
                                 {"active", 0}, {"id", 8}, {"visible", 16}, {"count", 20}, {"dirty", 24}, {"weight", 32}});
  const auto largest = first_layout(family, "fields_largest_first");
  CHECK(largest["sizeof"] == 24);
  CHECK(largest["padding_bytes"] == 1);
  CHECK(offsets(largest)["count"] == 16);
  const auto packed = first_layout(family, "fields_gnu_packed");
  CHECK(packed["sizeof"] == 23);
  CHECK(packed["alignof"] == 1);
  CHECK(packed["padding_bytes"] == 0);
  CHECK(offsets(packed)["weight"] == 15);
}

TEST_CASE("false_sharing layouts put counters where claimed", "[cacheline]") {
  const velo::Family family = velo::make_cacheline_family();
  auto counters = [&](std::string_view name, std::int64_t pad) {
    const auto& impl = impl_named(family, name);
    auto workload = make(impl, params_for(family, impl, {{"threads", std::int64_t{3}}, {"pad_bytes", pad}}));
    return workload->details()["layouts"][0];
  };
  const auto packed = counters("false_sharing_packed", 64);
  CHECK(packed["sizeof"] == 24);
  for (const auto& field : packed["fields"]) CHECK(field["cache_line"] == 0);  // all share line 0
  const auto padded64 = counters("false_sharing_padded", 64);
  CHECK(padded64["fields"][2]["offset"] == 128);
  CHECK(padded64["fields"][2]["cache_line"] == 2);
  CHECK(padded64["fields"][0]["padding_after"] == 56);
  const auto padded128 = counters("false_sharing_padded", 128);
  CHECK(padded128["sizeof"] == 384);
  CHECK(padded128["fields"][1]["cache_line"] == 2);

  const auto& padded = impl_named(family, "false_sharing_padded");
  const auto description = make(padded, params_for(family, padded, {{"threads", std::int64_t{2}}}))->details()["description"];
  CHECK_THAT(description.get<std::string>(), Catch::Contains("2 threads") && Catch::Contains("64 B apart"));

  const auto same = first_layout(family, "mutex_same_line");
  CHECK(same["sizeof"] == 64);
  for (const auto& field : same["fields"]) CHECK(field["cache_line"] == 0);
  const auto separate = first_layout(family, "mutex_separate_lines");
  CHECK(separate["sizeof"] == 128);
  CHECK(separate["fields"][0]["cache_line"] == 0);
  CHECK(separate["fields"][1]["cache_line"] == 1);
}

TEST_CASE("hot_cold and aos_soa layouts", "[cacheline]") {
  const velo::Family family = velo::make_cacheline_family();
  const auto inline_record = first_layout(family, "hot_cold_inline", {{"cold_bytes", std::int64_t{112}}});
  CHECK(inline_record["sizeof"] == 128);
  CHECK(offsets(inline_record)["notes[80]"] == 48);
  const auto pointer = first_layout(family, "cold_behind_pointer", {{"cold_bytes", std::int64_t{112}}});
  CHECK(pointer["sizeof"] == 24);
  CHECK(offsets(pointer)["cold"] == 16);
  const auto aos = first_layout(family, "aos", {{"fields_total", std::int64_t{16}}});
  CHECK(aos["sizeof"] == 64);
  CHECK(offsets(aos)["flags"] == 60);
  const auto block = first_layout(family, "aosoa", {{"fields_total", std::int64_t{8}}, {"block", std::int64_t{16}}});
  CHECK(block["sizeof"] == 512);
  CHECK(block["fields"][1]["offset"] == 64);
  CHECK(block["fields"][1]["cache_line"] == 1);
}

TEST_CASE("details render pahole-style under the table", "[cacheline]") {
  const velo::Family family = velo::make_cacheline_family();
  const auto& impl = impl_named(family, "fields_declared_order");
  auto workload = make(impl, params_for(family, impl, {{"elements", std::int64_t{512}}}));
  const std::string text = family.describe_details(workload->details());
  INFO(text);
  CHECK_THAT(text, Catch::Contains("struct DeclaredOrder {"));
  CHECK_THAT(text, Catch::Contains("XXX 7 bytes hole"));
  CHECK_THAT(text, Catch::Contains("512 elements"));
}

TEST_CASE("validation rejects values the variants do not implement", "[cacheline]") {
  const velo::Family family = velo::make_cacheline_family();
  auto check = [&](std::string_view impl_name, std::map<std::string, velo::ParamValue> params) {
    return family.validate(params_for(family, impl_named(family, impl_name), std::move(params)));
  };
  CHECK_FALSE(check("false_sharing_padded", {{"pad_bytes", std::int64_t{128}}}));
  CHECK(check("false_sharing_padded", {{"pad_bytes", std::int64_t{96}}}));
  CHECK(check("aos", {{"fields_total", std::int64_t{5}}}));
  CHECK(check("soa", {{"fields_read", std::int64_t{3}}}));
  CHECK(check("hot_cold_inline", {{"cold_bytes", std::int64_t{100}}}));
  CHECK_FALSE(check("cold_parallel_array", {{"cold_bytes", std::int64_t{240}}}));

  const auto& aos = impl_named(family, "aos");
  const auto too_many = params_for(family, aos, {{"fields_total", std::int64_t{4}}, {"fields_read", std::int64_t{8}}});
  REQUIRE(aos.case_unsupported);
  CHECK(aos.case_unsupported(too_many));
  CHECK_FALSE(aos.case_unsupported(params_for(family, aos, {})));
}

TEST_CASE("per-thread counters increment with the `op` parameter, an atomic RMW by default",
          "[cacheline][concurrency]") {
  const velo::Family family = velo::make_cacheline_family();
  for (const char* name : {"false_sharing_packed", "false_sharing_padded"}) {
    const auto& impl = impl_named(family, name);
    const velo::ParamSpec* op = family.find_param(impl, "op");
    REQUIRE(op != nullptr);
    CHECK(std::get<std::string>(op->default_value) == "atomic_add");
    CHECK(op->choices == std::vector<std::string>{"atomic_add", "store"});
    for (const char* value : {"atomic_add", "store"}) {
      DYNAMIC_SECTION(name << " op=" << value) {
        velo::Params params = params_for(family, impl, {{"threads", std::int64_t{2}}});
        params.set("op", std::string(value));
        auto workload = make(impl, params);
        run_and_verify(*workload, family, {1, 1000, 20011});
        const std::string description = workload->details()["description"];
        CHECK_THAT(description, Catch::Contains(std::string("op=") + value));
      }
    }
  }
}

TEST_CASE("increment<atomic_add> is a read-modify-write: concurrent increments of one counter all land",
          "[cacheline][concurrency]") {
  // With op=store two threads on one counter would lose updates; a locked RMW
  // never does, so the total is exact however the threads interleave.
  std::atomic<std::uint64_t> shared{0};
  constexpr int kThreads = 4;
  constexpr int kEach = 100000;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kEach; ++i) velo::increment<velo::IncrementOp::atomic_add>(shared);
    });
  }
  for (auto& thread : threads) thread.join();
  CHECK(shared.load() == std::uint64_t{kThreads} * kEach);
  CHECK(velo::increment_op_of(velo::Params{}) == velo::IncrementOp::atomic_add);
}

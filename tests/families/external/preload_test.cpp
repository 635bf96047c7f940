// Allocation counts and profiles of external processes through velo's preload
// library: a tiny C program and a tiny Google Benchmark binary that allocate a
// known number of blocks give exact allocs_per_op and bytes_per_op; a static
// binary gives none, with the reason; their hot functions appear in the folded
// stacks. Asserts counts and stack contents, never timings.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <map>

#include "families/external/external.hpp"
#include "families/external/preload.hpp"
#include "families/external/process_profile.hpp"
#include "profiler/folded.hpp"

namespace {

struct Sink final : velo::MetricSink {
  std::map<std::string, double> values;
  std::vector<std::string> notes;
  void add(std::string_view metric, double value) override { values[std::string(metric)] = value; }
  void note(std::string_view text) override { notes.emplace_back(text); }
};

std::string env(const char* name) {
  const char* value = std::getenv(name);
  REQUIRE(value != nullptr);
  return value;
}

velo::Params params_of(const velo::Family& family, const std::map<std::string, std::string>& values) {
  velo::Params params;
  for (const auto& spec : family.params) params.set(spec.name, spec.default_value);
  for (const auto& [name, value] : values) params.set(name, value);
  return params;
}

std::unique_ptr<velo::Workload> command(const std::string& text) {
  static const velo::Family family = velo::make_command_family();
  auto made = family.impls.front().make(params_of(family, {{"command", text}}));
  if (auto* error = std::get_if<velo::CaseError>(&made)) FAIL(error->reason);
  return std::move(std::get<std::unique_ptr<velo::Workload>>(made));
}

Sink repetition(velo::Workload& workload, std::int64_t ops) {
  Sink sink;
  workload.begin_repetition();
  workload.run(ops);
  const velo::Status status = workload.end_repetition(sink, ops, 0);
  if (!status.ok()) FAIL(status.error().message);
  return sink;
}

bool has_note(const Sink& sink, std::string_view text) {
  for (const auto& note : sink.notes) {
    if (note.find(text) != std::string::npos) return true;
  }
  return false;
}

const velo::ExternalMetric* metric(const velo::ExternalMeasurement& m, std::string_view name) {
  for (const auto& metric : m.metrics) {
    if (metric.spec.name == name) return &metric;
  }
  return nullptr;
}

velo::profiler::FoldedStacks stacks_of(const velo::ProcessProfile& profile) {
  auto stacks = velo::profiler::FoldedStacks::parse(profile.folded, profile.source);
  if (!stacks) FAIL(stacks.error().describe());
  return *stacks;
}

// True when some stack has a frame equal to `function`.
bool in_stacks(const velo::profiler::FoldedStacks& stacks, std::string_view function) {
  for (const auto& [stack, count] : stacks.stacks()) {
    for (auto frame : velo::profiler::split_frames(stack)) {
      if (frame == function) return true;
    }
  }
  return false;
}

}  // namespace

TEST_CASE("a command's allocations are counted exactly, per run", "[external][preload]") {
  auto workload = command(env("VELO_TINY_ALLOC") + " 250 40");
  const Sink sink = repetition(*workload, 2);
  REQUIRE(sink.values.count("allocs_per_op") == 1);
  CHECK(sink.values.at("allocs_per_op") == 250);
  CHECK(sink.values.at("bytes_per_op") == 250 * 40);
  CHECK(has_note(sink, "one extra, untimed run per repetition"));

  auto none = command(env("VELO_TINY_ALLOC") + " 0 0");
  const Sink empty = repetition(*none, 1);
  CHECK(empty.values.at("allocs_per_op") == 0);  // measured, and none: a real zero
}

TEST_CASE("a static binary has no allocation counts, and says why", "[external][preload]") {
  auto workload = command(env("VELO_TINY_ALLOC_STATIC") + " 10 8");
  const Sink sink = repetition(*workload, 1);
  CHECK(sink.values.count("allocs_per_op") == 0);
  CHECK(sink.values.count("bytes_per_op") == 0);
  CHECK(has_note(sink, "statically linked"));
}

TEST_CASE("a profiled command: its hot function is in the folded stacks, counts from the timed runs",
          "[external][preload]") {
  velo::ProcessProfileSlot slot(velo::ProcessProfileRequest{.hz = 199});
  auto workload = command(env("VELO_TINY_ALLOC") + " 7 16 0.3");
  const Sink sink = repetition(*workload, 1);
  CHECK(sink.values.at("allocs_per_op") == 7);
  CHECK(has_note(sink, "timed (profiled) runs"));
  const auto profile = slot.take();
  REQUIRE(profile);
  INFO(profile->off_reason);
  REQUIRE(profile->off_reason.empty());
  CHECK(profile->samples > 0);
  CHECK(profile->sampled_seconds > 0);
  CHECK(in_stacks(stacks_of(*profile), "tiny_alloc_hot_loop"));
}

TEST_CASE("gbench: allocations per iteration of the timed loop only, per repetition", "[external][preload][gbench]") {
  const velo::Family family = velo::make_gbench_family();
  const velo::ExternalRun run{.repetitions = 3, .min_time_s = 0.01};
  auto measured =
      family.impls.front().measure(params_of(family, {{"binary", env("VELO_TINY_ALLOC_GBENCH")}, {"benchmark", "BM_alloc"}}), run);
  if (auto* error = std::get_if<velo::CaseError>(&measured)) FAIL(error->reason);
  const auto& m = std::get<velo::ExternalMeasurement>(measured);
  REQUIRE(metric(m, "allocs_per_op"));
  CHECK(metric(m, "allocs_per_op")->samples == std::vector<double>{1, 1, 1});  // not the 1000 of its set-up
  CHECK(metric(m, "bytes_per_op")->samples == std::vector<double>{48, 48, 48});
}

TEST_CASE("gbench --profile: only the timed loops are sampled, the hot function symbolized",
          "[external][preload][gbench]") {
  const velo::Family family = velo::make_gbench_family();
  const velo::ExternalRun run{.repetitions = 2, .min_time_s = 0.2};
  velo::ProcessProfileSlot slot(velo::ProcessProfileRequest{.hz = 199});
  auto measured =
      family.impls.front().measure(params_of(family, {{"binary", env("VELO_TINY_ALLOC_GBENCH")}, {"benchmark", "BM_hot"}}), run);
  if (auto* error = std::get_if<velo::CaseError>(&measured)) FAIL(error->reason);
  const auto& m = std::get<velo::ExternalMeasurement>(measured);
  const auto profile = slot.take();
  REQUIRE(profile);
  INFO(profile->off_reason);
  REQUIRE(profile->off_reason.empty());
  const auto stacks = stacks_of(*profile);
  CHECK(in_stacks(stacks, "tiny_gbench_hot_function"));
  // Measured phase only: no stack of the binary's start-up or listing.
  for (const auto& [stack, count] : stacks.stacks()) {
    INFO(stack);
    CHECK(stack.find("BM_hot") != std::string::npos);
  }
  CHECK(metric(m, "allocs_per_op")->samples == std::vector<double>{0, 0});
}

TEST_CASE("gbench brackets are matched with the reported repetitions, or the reason is given", "[external][preload]") {
  using velo::external::gbench_allocations;
  velo::external::Harvest harvest;
  CHECK(std::get<std::string>(gbench_allocations(harvest, {10})).find("statically linked") != std::string::npos);

  velo::preload::ProcessRecord record;
  record.counting = true;
  harvest.records.push_back(record);  // a process without the hooks
  CHECK(std::get<std::string>(gbench_allocations(harvest, {10})).find("State hooks never ran") != std::string::npos);

  // Probes (1, 10), then repetition 1 (100 iterations) and repetition 2 (100).
  harvest.records.back().gbench = true;
  harvest.records.back().brackets = {{1, 5, 50}, {10, 14, 140}, {100, 104, 1040}, {100, 200, 2000}};
  auto per_op = gbench_allocations(harvest, {100, 100});
  REQUIRE(std::holds_alternative<std::vector<velo::external::PerOp>>(per_op));
  const auto& values = std::get<std::vector<velo::external::PerOp>>(per_op);
  REQUIRE(values.size() == 2);
  CHECK(values[0].allocations == 1.04);
  CHECK(values[1].allocations == 2.0);
  CHECK(values[1].bytes == 20.0);

  CHECK(std::get<std::string>(gbench_allocations(harvest, {100, 90})).find("could not be matched") != std::string::npos);
  CHECK(std::get<std::string>(gbench_allocations(harvest, {1, 1, 1, 1, 1})).find("4 timed loops") != std::string::npos);

  harvest.records.back().counting = false;
  CHECK(std::get<std::string>(gbench_allocations(harvest, {100})).find("VELO_ALLOC_COUNTING") != std::string::npos);
}

TEST_CASE("command counts sum over processes; a Go program is refused with the reason", "[external][preload]") {
  using velo::external::command_allocations;
  velo::external::Harvest harvest;
  velo::preload::ProcessRecord parent, child;
  parent.counting = child.counting = true;
  parent.allocations = 10, parent.bytes = 100;
  child.allocations = 3, child.bytes = 30;
  harvest.records = {parent, child};
  const auto sum = std::get<velo::external::AllocationCounts>(command_allocations(harvest));
  CHECK(sum.allocations == 13);
  CHECK(sum.bytes == 130);
  harvest.records.back().go = true;
  CHECK(std::get<std::string>(command_allocations(harvest)).find("Go program") != std::string::npos);
}

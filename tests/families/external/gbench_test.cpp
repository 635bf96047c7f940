// The gbench family: GB's list and JSON outputs (1.7 and 1.8+ fixtures) read into
// cases and per-repetition metrics, and a tiny real GB binary measured end to end
// in process. Asserts behaviour, never timings.
#include <catch2/catch.hpp>

#include <cstdlib>

#include "families/external/external.hpp"
#include "families/external/gbench_json.hpp"
#include "scenario/scenario.hpp"

using velo::CaseError;
using velo::ExternalMeasurement;
using velo::external::anchored_filter;
using velo::external::read_gbench_json;
using velo::external::read_gbench_list;

namespace {

// GB 1.7.1 (Debian) output shape: two repetitions of one benchmark in microseconds,
// then its aggregates, then another benchmark.
constexpr const char* kJson17 = R"({
  "context": {"date": "2026-12-01", "library_build_type": "release"},
  "benchmarks": [
    {"name": "BM_x/8", "family_index": 0, "per_family_instance_index": 0, "run_name": "BM_x/8",
     "run_type": "iteration", "repetitions": 2, "repetition_index": 0, "threads": 1, "iterations": 1000,
     "real_time": 2.5, "cpu_time": 2.0, "time_unit": "us", "items_per_second": 4e5, "widgets": 3, "speed": 9},
    {"name": "BM_x/8", "family_index": 0, "per_family_instance_index": 0, "run_name": "BM_x/8",
     "run_type": "iteration", "repetitions": 2, "repetition_index": 1, "threads": 1, "iterations": 1200,
     "real_time": 3.0, "cpu_time": 2.5, "time_unit": "us", "items_per_second": 3e5, "widgets": 3, "speed": 8},
    {"name": "BM_x/8_mean", "family_index": 0, "per_family_instance_index": 0, "run_name": "BM_x/8",
     "run_type": "aggregate", "repetitions": 2, "threads": 1, "aggregate_name": "mean", "aggregate_unit": "time",
     "iterations": 2, "real_time": 2.75, "cpu_time": 2.25, "time_unit": "us"},
    {"name": "BM_other", "run_name": "BM_other", "run_type": "iteration", "repetitions": 1, "repetition_index": 0,
     "threads": 1, "iterations": 5, "real_time": 1, "cpu_time": 1, "time_unit": "ns"}
  ]
})";

const ExternalMeasurement& ok(const std::variant<ExternalMeasurement, CaseError>& result) {
  if (const auto* error = std::get_if<CaseError>(&result)) FAIL(error->reason);
  return std::get<ExternalMeasurement>(result);
}

const velo::ExternalMetric* metric(const ExternalMeasurement& m, const std::string& name) {
  for (const auto& metric : m.metrics) {
    if (metric.spec.name == name) return &metric;
  }
  return nullptr;
}

std::string tiny_gbench() {
  const char* path = std::getenv("VELO_TINY_GBENCH");
  REQUIRE(path != nullptr);
  return path;
}

velo::Params gbench_params(const velo::Family& family, const std::map<std::string, std::string>& values) {
  velo::Params params;
  for (const auto& spec : family.params) params.set(spec.name, spec.default_value);
  for (const auto& [name, value] : values) params.set(name, value);
  return params;
}

}  // namespace

TEST_CASE("benchmark lists and anchored filters", "[external][gbench]") {
  CHECK(read_gbench_list("BM_a\nBM_b/8\r\n\nBM_c<int>\n") == std::vector<std::string>{"BM_a", "BM_b/8", "BM_c<int>"});
  CHECK(anchored_filter("BM_x/8") == "^BM_x/8$");
  CHECK(anchored_filter("BM_t<a.b>(1)*") == "^BM_t<a\\.b>\\(1\\)\\*$");
}

TEST_CASE("GB 1.7 JSON: every repetition, converted to ns, aggregates ignored", "[external][gbench]") {
  const auto result = read_gbench_json(kJson17, "BM_x/8", {"speed"});
  const auto& m = ok(result);
  REQUIRE(metric(m, "ns_per_op"));
  CHECK(metric(m, "ns_per_op")->samples == std::vector<double>{2500.0, 3000.0});
  CHECK(metric(m, "cpu_ns_per_op")->samples == std::vector<double>{2000.0, 2500.0});
  CHECK(metric(m, "ops_per_s")->samples.size() == 2);
  const auto* items = metric(m, "items_per_second");
  REQUIRE(items);
  CHECK(items->spec.better == velo::Better::higher);
  CHECK(items->spec.unit == "items/s");
  CHECK(metric(m, "widgets")->spec.better == velo::Better::lower);
  CHECK(metric(m, "speed")->spec.better == velo::Better::higher);
  CHECK(metric(m, "allocs_per_op") == nullptr);  // GB's memory manager was not used
  CHECK(m.details["iterations"] == nlohmann::json::array({1000, 1200}));
  CHECK(m.notes.size() == 1);  // widgets' direction is a guess, and says so
}

TEST_CASE("GB errors fail the case; 1.8+ skips skip it", "[external][gbench]") {
  const char* error17 = R"({"benchmarks": [{"name": "BM_e", "run_name": "BM_e", "run_type": "iteration",
    "error_occurred": true, "error_message": "no fixture", "iterations": 0, "real_time": 0, "cpu_time": 0,
    "time_unit": "ns"}]})";
  auto error = read_gbench_json(error17, "BM_e", {});
  REQUIRE(std::holds_alternative<CaseError>(error));
  CHECK(std::get<CaseError>(error).reason.find("no fixture") != std::string::npos);
  CHECK_FALSE(std::get<CaseError>(error).skip);

  const char* skipped18 = R"({"context": {"library_version": "v1.8.3"}, "benchmarks": [{"name": "BM_s",
    "run_name": "BM_s", "run_type": "iteration", "skipped": true, "skip_message": "needs AVX-512",
    "iterations": 0, "real_time": 0, "cpu_time": 0, "time_unit": "ns"}]})";
  auto skipped = read_gbench_json(skipped18, "BM_s", {});
  REQUIRE(std::holds_alternative<CaseError>(skipped));
  CHECK(std::get<CaseError>(skipped).skip);
  CHECK(std::get<CaseError>(skipped).reason.find("AVX-512") != std::string::npos);

  CHECK(std::holds_alternative<CaseError>(read_gbench_json("{not json", "BM_x", {})));
  CHECK(std::holds_alternative<CaseError>(read_gbench_json(R"({"benchmarks": []})", "BM_x", {})));
  CHECK(std::holds_alternative<CaseError>(
      read_gbench_json(R"({"benchmarks": [{"name": "BM_x", "real_time": "fast"}]})", "BM_x", {})));
}

TEST_CASE("a real GB binary: listed, filtered, measured, its error reported", "[external][gbench]") {
  const velo::Family family = velo::make_gbench_family();
  REQUIRE(family.listed_param);
  auto all = family.listed_param->list(gbench_params(family, {{"binary", tiny_gbench()}}));
  REQUIRE(all);
  CHECK(*all == std::vector<std::string>{"BM_loop/1", "BM_loop/8", "BM_error", "BM_hang"});
  auto loops = family.listed_param->list(gbench_params(family, {{"binary", tiny_gbench()}, {"filter", "BM_loop"}}));
  REQUIRE(loops);
  CHECK(loops->size() == 2);

  const auto& impl = family.impls.front();
  const velo::ExternalRun run{.repetitions = 3, .min_time_s = 0.001, .warmup_s = 0};
  auto measured = impl.measure(
      gbench_params(family, {{"binary", tiny_gbench()}, {"benchmark", "BM_loop/8"}, {"higher_is_better", "speed"}}),
      run);
  const auto& m = ok(measured);
  REQUIRE(metric(m, "ns_per_op"));
  CHECK(metric(m, "ns_per_op")->samples.size() == 3);  // only BM_loop/8 ran: BM_loop/1 would add three more
  CHECK(metric(m, "items_per_second"));
  CHECK(metric(m, "widgets")->samples == std::vector<double>{3, 3, 3});
  CHECK(m.details["benchmark"] == "BM_loop/8");

  auto error = impl.measure(gbench_params(family, {{"binary", tiny_gbench()}, {"benchmark", "BM_error"}}), run);
  REQUIRE(std::holds_alternative<CaseError>(error));
  CHECK(std::get<CaseError>(error).reason.find("the fixture is broken") != std::string::npos);
}

TEST_CASE("gbench scenarios: one case per listed benchmark; a missing binary is bad input", "[external][gbench]") {
  const std::string head = "[scenario]\nname = \"g\"\nfamily = \"gbench\"\n[[variant]]\nname = \"tiny\"\n"
                           "impl = \"gbench\"\n";
  auto scenario = velo::parse_scenario(head + "params = { binary = \"" + tiny_gbench() + "\", filter = \"loop\" }\n",
                                       "g.toml", velo::registry());
  INFO((scenario ? std::string() : scenario.error().describe()));
  REQUIRE(scenario);
  auto cases = velo::expand_cases({*scenario}, {}, velo::registry());
  REQUIRE(cases);
  REQUIRE(cases->size() == 2);
  CHECK(cases->at(1).id.rfind("gbench/tiny/benchmark=BM_loop%2F8,binary=", 0) == 0);
  CHECK(cases->at(1).params.text("benchmark") == "BM_loop/8");

  auto missing = velo::parse_scenario(head + "params = { binary = \"/nonexistent/bench\" }\n", "g.toml",
                                      velo::registry());
  REQUIRE_FALSE(missing);
  CHECK(missing.error().describe().find("g.toml:") == 0);
  CHECK(missing.error().describe().find("listing the benchmarks") != std::string::npos);

  auto none = velo::parse_scenario(head + "params = { binary = \"" + tiny_gbench() + "\", filter = \"nothing\" }\n",
                                   "g.toml", velo::registry());
  REQUIRE_FALSE(none);
  CHECK(none.error().message.find("no benchmark to measure") != std::string::npos);
}

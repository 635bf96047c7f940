// The run request (report/run_request.hpp): written and read back exactly, keys in
// the order reports always had, and lenient reading: nulls, wrong types and unknown
// keys fall back with a warning naming the key, never an error.
#include <catch2/catch.hpp>

#include "report/report.hpp"
#include "report/run_request.hpp"
#include "sample_report.hpp"

namespace {

using velo::report::ProfileRequest;
using velo::report::RunRequest;
using ojson = nlohmann::ordered_json;

RunRequest full_request() {
  return {.filter = "atomic/.*",
          .param_overrides = {"threads=2", "keys=1000"},
          .repetitions = 12,
          .forks = 3,
          .min_time_s = 0.05,
          .warmup_s = 0.01,
          .timeout_s = 90,
          .pin_threads = true,
          .isolate = true,
          .profile_dir = "profiles",
          .profiles = {{"counters", ProfileRequest{.mode = "wall", .hz = 499, .thread_root = true}}},
          .baseline_velo = "/opt/base/velo"};
}

RunRequest read(const ojson& json, std::vector<std::string>& warnings) {
  return velo::report::run_request_from_json(json, warnings);
}

}  // namespace

TEST_CASE("a run request round-trips every field", "[report][run_request]") {
  const RunRequest original = full_request();
  std::vector<std::string> warnings;
  CHECK(read(velo::report::run_request_to_json(original), warnings) == original);
  CHECK(warnings.empty());

  const RunRequest plain;
  CHECK(read(velo::report::run_request_to_json(plain), warnings) == plain);
  CHECK(warnings.empty());
}

TEST_CASE("a run request is written with sorted keys, optional ones only when given", "[report][run_request]") {
  CHECK(velo::report::run_request_to_json(RunRequest{}).dump() ==
        R"({"filter":"","isolate":true,"param_overrides":[]})");
  const ojson full = velo::report::run_request_to_json(full_request());
  std::vector<std::string> keys;
  for (const auto& [key, value] : full.items()) keys.push_back(key);
  CHECK(keys == std::vector<std::string>{"baseline_velo", "filter", "forks", "isolate", "min_time_s", "param_overrides",
                                         "pin_threads", "profile", "repetitions", "timeout_s", "warmup_s"});
}

TEST_CASE("the overrides of a request are what re-expanding its scenarios needs", "[report][run_request]") {
  const auto overrides = full_request().overrides();
  CHECK(overrides.params == std::vector<std::string>{"threads=2", "keys=1000"});
  CHECK(overrides.repetitions == 12);
  CHECK(overrides.forks == 3);
  CHECK(overrides.min_time_s == 0.05);
  CHECK(overrides.warmup_s == 0.01);
  CHECK(overrides.timeout_s == 90);  // a --confirm rerun keeps the original --timeout
  CHECK(overrides.pin_threads);
}

TEST_CASE("nulls, wrong types and unknown keys fall back with a warning", "[report][run_request]") {
  const ojson json = ojson::parse(R"({
    "filter": null, "repetitions": null, "forks": "3", "timeout_s": -1, "min_time_s": 0.25,
    "param_overrides": [1, 2], "isolate": "yes", "pin_threads": true, "min_time": 0.1,
    "profile": {"dir": "p", "scenarios": {"a": {"mode": "gpu", "hz": 0, "thread_root": true}, "b": 7}}
  })");
  std::vector<std::string> warnings;
  const RunRequest request = read(json, warnings);
  CHECK(request.filter.empty());
  CHECK_FALSE(request.repetitions);
  CHECK_FALSE(request.forks);
  CHECK_FALSE(request.timeout_s);
  CHECK(request.min_time_s == 0.25);
  CHECK(request.param_overrides.empty());
  CHECK(request.isolate);
  CHECK(request.pin_threads);
  CHECK(request.profile_dir == "p");
  CHECK(request.profiles.at("a") == ProfileRequest{.mode = "cpu", .hz = 99, .thread_root = true});
  CHECK(request.profiles.at("b") == ProfileRequest{});
  const std::vector<std::string> expected = {
      "settings.min_time: not a setting this velo knows; ignored",
      "settings.filter: expected a string, got null; using every case",
      "settings.param_overrides: expected an array of strings, got an array; using none",
      "settings.isolate: expected true or false, got \"yes\"; using true",
      "settings.repetitions: expected an integer from 1 to 100000, got null; using the scenario's value",
      "settings.forks: expected an integer from 1 to 100000, got \"3\"; using the scenario's value",
      "settings.timeout_s: expected a positive number of seconds, got -1; using the scenario's value",
      "settings.profile.scenarios.a.mode: expected \"cpu\" or \"wall\", got \"gpu\"; using cpu",
      "settings.profile.scenarios.a.hz: expected an integer from 1 to 10000, got 0; using 99",
      "settings.profile.scenarios.b: expected an object, got 7; using cpu at 99 Hz",
  };
  CHECK(warnings == expected);
}

TEST_CASE("a report whose settings hold nulls reads, with warnings kept on the report", "[report][run_request]") {
  velo::report::Report report;
  report.request = full_request();
  std::string text = velo::report::to_json_text(report);
  const auto at = text.find("\"filter\": \"atomic/.*\"");
  REQUIRE(at != std::string::npos);
  text.replace(at, std::string("\"filter\": \"atomic/.*\"").size(), "\"filter\": null");
  const auto parsed = velo::report::parse_report(text, "nulls.json");
  REQUIRE(parsed.ok());
  CHECK(parsed->request.filter.empty());
  CHECK(parsed->request.timeout_s == 90);
  CHECK(parsed->read_warnings ==
        std::vector<std::string>{"settings.filter: expected a string, got null; using every case"});
}

TEST_CASE("the measurement mode round-trips, and a bad one falls back with a warning", "[report][run_request]") {
  RunRequest counted;
  counted.measure = velo::MeasureMode::instructions;
  counted.ops = 500;
  counted.cache_sim = true;
  counted.branch_sim = true;
  counted.threaded = true;
  std::vector<std::string> warnings;
  CHECK(read(velo::report::run_request_to_json(counted), warnings) == counted);
  CHECK(warnings.empty());
  CHECK(counted.overrides().measure == velo::MeasureMode::instructions);
  CHECK(counted.overrides().ops == 500);

  const RunRequest back = read(ojson{{"measure", "cycles"}, {"ops", 0}}, warnings);
  CHECK_FALSE(back.measure.has_value());
  CHECK_FALSE(back.ops.has_value());
  REQUIRE(warnings.size() == 2);
  CHECK_THAT(warnings[0], Catch::Contains("settings.measure"));
}

TEST_CASE("a case's measure settings survive a report round trip; bad ones are errors", "[report][run_request]") {
  velo::report::Report report = velo::testing::sample_report();
  velo::MeasureSettings& m = report.cases.front().spec.settings.measure;
  m.mode = velo::MeasureMode::instructions;
  m.ops = 250;
  m.cache_sim = true;
  const std::string text = velo::report::to_json_text(report);
  auto parsed = velo::report::parse_report(text, "report.json");
  REQUIRE(parsed.ok());
  CHECK(parsed->cases.front().spec.settings.measure == m);
  CHECK_FALSE(parsed->cases.back().spec.settings.measure.deterministic());
  CHECK(velo::report::to_json_text(*parsed) == text);

  auto doc = nlohmann::json::parse(text);
  doc["cases"][0]["run"]["measure"]["ops"] = -1;
  auto bad = velo::report::parse_report(doc.dump(), "report.json");
  REQUIRE_FALSE(bad.ok());
  CHECK_THAT(bad.error().describe(), Catch::Contains("cases[0].run.measure"));
}

// The worker protocol (runner/worker_message.hpp): requests and answers round-trip,
// and a message of another protocol version or shape is refused by name.
#include <catch2/catch.hpp>

#include "runner/worker_message.hpp"
#include "single_case.hpp"

using namespace velo;

TEST_CASE("a worker request carries the case and its profile", "[runner][worker]") {
  const Case spec = testing::atomic_counter_case("message", "repetitions = 3\n", 2);
  const WorkerRequest request{.spec = spec, .profile = profiler::Options{.mode = profiler::Mode::wall, .hz = 250}};
  const auto back = parse_worker_request(worker_request_to_json(request));
  REQUIRE(back.ok());
  CHECK(back->spec.id == spec.id);
  CHECK(back->spec.params == spec.params);
  CHECK(back->spec.settings == spec.settings);
  REQUIRE(back->profile);
  CHECK(back->profile->mode == profiler::Mode::wall);
  CHECK(back->profile->hz == 250);

  const auto unprofiled = parse_worker_request(worker_request_to_json({.spec = spec}));
  REQUIRE(unprofiled.ok());
  CHECK_FALSE(unprofiled->profile);
}

TEST_CASE("a worker answer carries the result", "[runner][worker]") {
  report::CaseResult result;
  result.spec = testing::atomic_counter_case("message", "repetitions = 2\n", 1);
  result.status = report::CaseStatus::failed;
  result.reason = "counter holds 3 but 4 increments were made";
  result.details = {{"iterations", 10}};
  const auto back = parse_worker_answer(worker_answer_to_json(result));
  REQUIRE(back.ok());
  CHECK(back->status == report::CaseStatus::failed);
  CHECK(back->reason == result.reason);
  CHECK(back->details == result.details);
}

TEST_CASE("messages of another protocol or shape are refused", "[runner][worker]") {
  const auto other = parse_worker_answer(R"({"protocol": 2, "result": {}})");
  REQUIRE_FALSE(other.ok());
  CHECK(other.error().describe() ==
        "worker result: worker protocol 2, this velo speaks 1 (is the other build too old or too new?)");
  const auto old = parse_worker_request(R"({"schema_version": 1, "cases": []})");
  REQUIRE_FALSE(old.ok());
  CHECK(old.error().describe() == "worker request: expected an object with \"protocol\" and \"case\"");
  const auto garbage = parse_worker_answer("{not json");
  REQUIRE_FALSE(garbage.ok());
  CHECK(garbage.error().describe().starts_with("worker result: invalid JSON"));
}

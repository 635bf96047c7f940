// Forks: how a case's repetitions are split over worker processes, how the forks'
// results become one, and a whole session measuring in rounds.
#include <catch2/catch.hpp>

#include "runner/forks.hpp"
#include "runner/session.hpp"
#include "single_case.hpp"

namespace velo {
namespace {

Case case_with(int repetitions, int forks) {
  Case spec;
  spec.id = "counters/atomic/threads=1";
  spec.settings.repetitions = repetitions;
  spec.settings.forks = forks;
  return spec;
}

report::MetricResult metric(std::string name, std::vector<double> samples) {
  report::MetricResult m;
  m.spec.name = std::move(name);
  m.samples = std::move(samples);
  m.summary = stats::summarize(m.samples);
  return m;
}

// What a worker returns for fork `fork` of `spec`.
report::CaseResult fork_result(const Case& spec, int fork, std::vector<report::MetricResult> metrics) {
  report::CaseResult result;
  result.spec = fork_spec(spec, fork);
  result.metrics = std::move(metrics);
  result.details = {{"iterations", std::vector<int>(static_cast<std::size_t>(result.spec.settings.repetitions), 100 + fork)},
                    {"layout", "same in every fork"}};
  result.peak_rss_bytes = 1000 * (fork + 1);
  result.wall_seconds = 0.5;
  return result;
}

}  // namespace

TEST_CASE("fork_repetitions splits evenly, the first forks taking the remainder", "[runner][forks]") {
  auto shares = [](int repetitions, int forks) {
    std::vector<int> out;
    for (int f = 0; f < forks; ++f) out.push_back(fork_repetitions(case_with(repetitions, forks).settings, f));
    return out;
  };
  CHECK(shares(10, 1) == std::vector<int>{10});
  CHECK(shares(10, 3) == std::vector<int>{4, 3, 3});
  CHECK(shares(10, 10) == std::vector<int>(10, 1));
  CHECK(shares(5, 2) == std::vector<int>{3, 2});
  CHECK(fork_spec(case_with(10, 3), 2).settings.repetitions == 3);
}

TEST_CASE("ForkedResult appends samples in fork order and keeps the case as specified", "[runner][forks]") {
  const Case spec = case_with(5, 2);
  ForkedResult forked(spec);
  forked.add(fork_result(spec, 0, {metric("ns_per_op", {1, 2, 3}), metric("only_first", {7, 7, 7})}));
  CHECK(forked.forks_done() == 1);
  CHECK_FALSE(forked.ended());
  auto second = fork_result(spec, 1, {metric("ns_per_op", {4, 5})});
  second.details["notes"] = {"a note from fork 2"};
  forked.add(std::move(second));
  const report::CaseResult result = forked.take();
  CHECK(result.status == report::CaseStatus::ok);
  CHECK(result.spec.settings.repetitions == 5);
  CHECK(result.spec.settings.forks == 2);
  // A metric one fork lacks is dropped, not reported from a subset of the samples.
  REQUIRE(result.metrics.size() == 1);
  CHECK(result.metrics[0].samples == std::vector<double>{1, 2, 3, 4, 5});
  CHECK(result.metrics[0].summary.n == 5);
  CHECK(result.metrics[0].summary.median == 3);
  CHECK(result.details["fork_repetitions"] == nlohmann::json::array({3, 2}));
  CHECK(result.details["iterations"] == nlohmann::json::array({100, 100, 100, 101, 101}));
  CHECK(result.details["notes"] == nlohmann::json::array({"a note from fork 2"}));
  CHECK(result.details["layout"] == "same in every fork");
  CHECK(result.peak_rss_bytes == 2000);
  CHECK(result.wall_seconds == Approx(1.0));
}

TEST_CASE("forks that settled apart are reported with their spread and flagged", "[runner][forks]") {
  const Case spec = case_with(6, 2);
  ForkedResult forked(spec);
  forked.add(fork_result(spec, 0, {metric("ns_per_op", {0.99, 1.0, 1.01})}));
  CHECK_FALSE(forked.result().details.contains("fork_spread"));  // one fork: nothing to compare
  forked.add(fork_result(spec, 1, {metric("ns_per_op", {3.29, 3.3, 3.31})}));
  const nlohmann::json& spread = forked.result().details["fork_spread"];
  CHECK(spread["metric"] == "ns_per_op");
  CHECK(spread["medians"] == nlohmann::json::array({1.0, 3.3}));
  CHECK(spread["min_median"] == 1.0);
  CHECK(spread["max_median"] == 3.3);
  CHECK(spread["assessable"] == true);
  CHECK(spread["disagree"] == true);
}

TEST_CASE("forks that agree are reported with their spread and not flagged", "[runner][forks]") {
  const Case spec = case_with(4, 2);
  ForkedResult forked(spec);
  forked.add(fork_result(spec, 0, {metric("ns_per_op", {9, 11})}));
  forked.add(fork_result(spec, 1, {metric("ns_per_op", {9.5, 11.5})}));
  const nlohmann::json& spread = forked.result().details["fork_spread"];
  CHECK(spread["medians"] == nlohmann::json::array({10.0, 10.5}));
  CHECK(spread["disagree"] == false);
}

TEST_CASE("a fork that fails ends the case as failed, naming the fork", "[runner][forks]") {
  const Case spec = case_with(6, 3);
  ForkedResult forked(spec);
  forked.add(fork_result(spec, 0, {metric("ns_per_op", {1, 2})}));
  auto broken = fork_result(spec, 1, {});
  broken.status = report::CaseStatus::failed;
  broken.reason = "wrong count: 3 != 4";
  forked.add(std::move(broken));
  CHECK(forked.ended());
  const auto& result = forked.result();
  CHECK(result.status == report::CaseStatus::failed);
  CHECK(result.reason == "in fork 2 of 3: wrong count: 3 != 4");
  CHECK(result.metrics.empty());
}

TEST_CASE("a single fork passes its result through unchanged", "[runner][forks]") {
  const Case spec = case_with(3, 1);
  ForkedResult forked(spec);
  forked.add(fork_result(spec, 0, {metric("ns_per_op", {1, 2, 3})}));
  const auto& result = forked.result();
  CHECK(result.metrics[0].samples.size() == 3);
  CHECK_FALSE(result.details.contains("fork_repetitions"));
}

TEST_CASE("profiles of the forks add up", "[runner][forks]") {
  const Case spec = case_with(2, 2);
  ForkedResult forked(spec);
  for (int fork = 0; fork < 2; ++fork) {
    auto result = fork_result(spec, fork, {metric("ns_per_op", {1})});
    result.details["profile"] = {
        {"hz", 99},
        {"folded", "main;work 3\n"},
        {"stats", {{"samples", 3 * (fork + 1)}, {"lost_unwind", 1}, {"threads", fork + 1},
                   {"effective_hz", fork == 0 ? 80.0 : 95.0}, {"thread_cpu_seconds", 0.25}}}};
    forked.add(std::move(result));
  }
  const auto profile = forked.result().details["profile"];
  CHECK(profile["folded"] == "main;work 3\nmain;work 3\n");
  CHECK(profile["stats"]["samples"] == 9);
  CHECK(profile["stats"]["lost_unwind"] == 2);
  CHECK(profile["stats"]["threads"] == 2);
  CHECK(profile["stats"]["effective_hz"].get<double>() == Approx((80.0 * 3 + 95.0 * 6) / 9));
  CHECK(profile["stats"]["thread_cpu_seconds"].get<double>() == Approx(0.5));
}

TEST_CASE("a session measures every fork of every case and merges them", "[runner][forks]") {
  Case forked = testing::atomic_counter_case(
      "forks", "repetitions = 5\nforks = 3\nmin_time = \"1ms\"\nwarmup = \"0s\"\n");
  Case skipped = forked;
  skipped.id = "counters/atomic/skipped";
  skipped.skip_reason = "not here";
  const SessionResult session =
      run_session(registry(), {forked, skipped}, {}, {.quiet = true, .request = {.isolate = false}});
  const auto& cases = session.report.cases;
  REQUIRE(cases.size() == 2);
  REQUIRE(cases[0].status == report::CaseStatus::ok);
  CHECK(cases[0].spec.settings.repetitions == 5);
  CHECK(cases[0].details["fork_repetitions"] == nlohmann::json::array({2, 2, 1}));
  for (const auto& m : cases[0].metrics) {
    INFO(m.spec.name);
    CHECK(m.samples.size() == 5);
  }
  CHECK(cases[1].status == report::CaseStatus::skipped);
  CHECK(cases[1].reason == "not here");
}

}  // namespace velo

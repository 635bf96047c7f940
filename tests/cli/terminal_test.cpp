// `velo list` and `velo show` as a user runs them (issue #21): ranges as integers and
// binary sizes, and one case of a report in full. Never measures anything.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "velo_process.hpp"

namespace {

using namespace clitest;

Outcome velo(const std::vector<std::string>& args) {
  static const auto dir = make_scratch_dir("terminal-test");
  return run_velo(args, {.scratch = dir, .no_color = true});
}

}  // namespace

TEST_CASE("velo list prints integer ranges as integers and sizes in binary units", "[cli][list]") {
  auto list = velo({"list", "counters"});
  REQUIRE(list.exit_code == 0);
  CHECK_THAT(list.out, Catch::Contains("[1..1024]"));
  CHECK_THAT(list.out, Catch::Contains("[8 B..4 KiB]"));
  CHECK_THAT(list.out, !Catch::Contains("1.00000"));
}

TEST_CASE("velo show lists a report's cases and prints one in full", "[cli][show]") {
  const std::string report = test_data("html", "run.json");
  auto all = velo({"show", report});
  REQUIRE(all.exit_code == 0);
  CHECK_THAT(all.out, Catch::Contains("cacheline/padded/op=increment,threads=4"));
  CHECK_THAT(all.out, Catch::Contains("skipped: boost_spsc is a single-producer single-consumer queue"));

  auto one = velo({"show", report, "cacheline/padded"});
  INFO(one.err);
  REQUIRE(one.exit_code == 0);
  CHECK_THAT(one.out, Catch::Contains("struct Slot_padded[4]"));  // the layout, pahole-style
  CHECK_THAT(one.out, Catch::Contains("padded: four counters, one per thread"));  // its note
  CHECK_THAT(one.out, Catch::Contains("ns_per_op"));
  CHECK_THAT(one.out, Catch::Contains("environment:"));

  auto skipped = velo({"show", report, "boost_spsc_mpmc"});
  REQUIRE(skipped.exit_code == 0);
  CHECK_THAT(skipped.out, Catch::Contains("it needs producers = 1 and consumers = 1 (got 2 and 2)"));  // untruncated

  auto many = velo({"show", report, "counters/"});
  CHECK(many.exit_code == 2);
  CHECK_THAT(many.err, Catch::Contains("matches 6 cases"));
  auto none = velo({"show", report, "no-such-case"});
  CHECK(none.exit_code == 2);
  auto bad = velo({"show", test_data("gate", "truncated.json")});
  CHECK(bad.exit_code == 2);
  CHECK_THAT(bad.err, Catch::Contains("truncated.json"));
}

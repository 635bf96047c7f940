// Reading callgrind's output files (runner/callgrind_output.hpp): a real dump of
// Valgrind 3.19 (all simulations on), the omitted trailing counts the format allows,
// "totals:" from older writers, malformed files, and the per-op arithmetic including
// the estimated cycles against a hand computation.
#include <catch2/catch.hpp>

#include <string>

#include "core/count_metric.hpp"
#include "runner/callgrind_output.hpp"

using namespace velo;

namespace {

// Written by `valgrind --tool=callgrind --cache-sim=yes --branch-sim=yes` 3.19.0 at a
// CALLGRIND_DUMP_STATS_AT (the body shortened).
const std::string kDump = R"(# callgrind format
version: 1
creator: callgrind-3.19.0
pid: 15579
cmd:  ./t
part: 1


desc: I1 cache: 32768 B, 64 B, 8-way associative
desc: D1 cache: 32768 B, 64 B, 8-way associative
desc: LL cache: 8388608 B, 64 B, 16-way associative

desc: Timerange: Basic block 0 - 1007
desc: Trigger: Client Request: velo measured repetition

positions: line
events: Ir Dr Dw I1mr D1mr D1mw ILmr DLmr DLmw Bc Bcm Bi Bim
summary: 6019 1003 1009 4 0 1 4 0 1 1001 10 2 1


ob=(1) /tmp/vgt/t
fl=(1) ???
fn=(2) work
0 6006 1002 1001 2 0 0 2 0 0 1001 10

totals: 6010 1003 1003 3 0 0 3 0 0 1001 10
)";

double value_of(const std::vector<CountPerOp>& counts, std::string_view metric) {
  for (const auto& c : counts) {
    if (c.metric == metric) return c.value;
  }
  FAIL("no metric " << metric);
  return 0;
}

bool has(const std::vector<CountPerOp>& counts, std::string_view metric) {
  for (const auto& c : counts) {
    if (c.metric == metric) return true;
  }
  return false;
}

}  // namespace

TEST_CASE("a dump with every simulation is read from its summary line", "[callgrind]") {
  auto dump = parse_callgrind_dump(kDump, "cg.out.1");
  REQUIRE(dump.ok());
  CHECK(dump->creator == "callgrind-3.19.0");
  CHECK(dump->valgrind_version() == "3.19.0");
  REQUIRE(dump->events.size() == 13);
  CHECK(dump->total("Ir") == 6019u);  // summary, not the later totals line
  CHECK(dump->total("Bim") == 1u);
  CHECK_FALSE(dump->total("Ge").has_value());
  REQUIRE(dump->descriptions.size() == 5);
  CHECK(dump->descriptions[2] == "LL cache: 8388608 B, 64 B, 16-way associative");
}

TEST_CASE("counts per op, and the estimated cycles by iai-callgrind's model", "[callgrind]") {
  auto dump = parse_callgrind_dump(kDump, "cg.out.1");
  REQUIRE(dump.ok());
  auto counts = counts_per_op(*dump, 1000);
  REQUIRE(counts.ok());
  CHECK(value_of(*counts, metrics::instructions_per_op) == Approx(6.019));
  CHECK(value_of(*counts, metrics::sim_l1i_misses_per_op) == Approx(0.004));
  CHECK(value_of(*counts, metrics::sim_l1d_misses_per_op) == Approx(0.001));
  CHECK(value_of(*counts, metrics::sim_ll_misses_per_op) == Approx(0.005));
  // accesses 6019+1003+1009 = 8031; L1 misses 4+0+1 = 5; RAM hits 4+0+1 = 5; LL hits 0;
  // L1 hits 8026: 8026 + 5*0 + 35*5 = 8201 cycles.
  CHECK(value_of(*counts, metrics::est_cycles_per_op) == Approx(8.201));
  CHECK(value_of(*counts, metrics::sim_branch_misses_per_op) == Approx(0.011));
}

TEST_CASE("without the simulations only instructions are reported, never zeros", "[callgrind]") {
  auto dump = parse_callgrind_dump("creator: callgrind-3.19.0\nevents: Ir\nsummary: 2500\n", "x");
  REQUIRE(dump.ok());
  auto counts = counts_per_op(*dump, 10);
  REQUIRE(counts.ok());
  REQUIRE(counts->size() == 1);
  CHECK(value_of(*counts, metrics::instructions_per_op) == Approx(250));
  CHECK_FALSE(has(*counts, metrics::est_cycles_per_op));
  CHECK_FALSE(has(*counts, metrics::sim_branch_misses_per_op));
}

TEST_CASE("omitted trailing counts are zero, and totals stand in for a missing summary", "[callgrind]") {
  auto dump = parse_callgrind_dump("events: Ir Dr Dw\nsummary: 0\n", "x");
  REQUIRE(dump.ok());
  CHECK(dump->total("Ir") == 0u);
  CHECK(dump->total("Dw") == 0u);
  auto old = parse_callgrind_dump("events: Ir\nfn=(1) f\n0 7\ntotals: 7\n", "x");
  REQUIRE(old.ok());
  CHECK(old->total("Ir") == 7u);
  CHECK(old->valgrind_version().empty());
}

TEST_CASE("malformed dumps are errors naming the file and line", "[callgrind]") {
  auto no_events = parse_callgrind_dump("creator: callgrind-3.19.0\nsummary: 1\n", "cg.out.3");
  REQUIRE_FALSE(no_events.ok());
  CHECK(no_events.error().where.file == "cg.out.3");
  CHECK(no_events.error().where.line == 2);

  auto negative = parse_callgrind_dump("events: Ir\nsummary: -5\n", "f");
  REQUIRE_FALSE(negative.ok());
  CHECK(negative.error().where.line == 2);
  CHECK_THAT(negative.error().message, Catch::Contains("non-negative integer"));

  CHECK_FALSE(parse_callgrind_dump("events: Ir\nsummary: 1 2\n", "f").ok());         // more counts than events
  CHECK_FALSE(parse_callgrind_dump("events: Ir\nsummary: 12x\n", "f").ok());         // not a number
  CHECK_FALSE(parse_callgrind_dump("events: Ir\nsummary: 99999999999999999999999\n", "f").ok());  // overflow
  CHECK_FALSE(parse_callgrind_dump("events: Ir\nevents: Dr\nsummary: 1\n", "f").ok());
  CHECK_FALSE(parse_callgrind_dump("events: Ir\n", "f").ok());                        // no summary: incomplete
  CHECK_FALSE(parse_callgrind_dump("", "f").ok());
  CHECK_FALSE(parse_callgrind_dump("events:\nsummary: 1\n", "f").ok());

  auto no_ir = parse_callgrind_dump("events: Dr\nsummary: 1\n", "f");
  REQUIRE(no_ir.ok());
  CHECK_FALSE(counts_per_op(*no_ir, 1).ok());
  auto ok = parse_callgrind_dump("events: Ir\nsummary: 1\n", "f");
  REQUIRE(ok.ok());
  CHECK_FALSE(counts_per_op(*ok, 0).ok());
  // More L1 misses than accesses cannot come from callgrind.
  auto bad_cache = parse_callgrind_dump("events: Ir Dr Dw I1mr D1mr D1mw ILmr DLmr DLmw\nsummary: 1 0 0 5 0 0 0 0 0\n", "f");
  REQUIRE(bad_cache.ok());
  CHECK_FALSE(counts_per_op(*bad_cache, 1).ok());
}

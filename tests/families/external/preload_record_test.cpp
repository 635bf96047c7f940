// The preload's record format (preload_record.hpp): written and read back the
// same, and a damaged record refused with its file, line and what was expected.
#include <catch2/catch.hpp>

#include "families/external/preload_record.hpp"

using velo::preload::parse_record;
using velo::preload::ProcessRecord;
using velo::preload::write_record;

TEST_CASE("a record reads back as it was written", "[preload]") {
  ProcessRecord record;
  record.pid = 42;
  record.ppid = 7;
  record.counting = true;
  record.allocations = 250;
  record.bytes = 10000;
  record.frees = 249;
  record.gbench = true;
  record.brackets = {{1, 2, 96}, {1000, 1000, 48000}};
  record.profiled = true;
  record.profile = {.samples = 30, .overruns = 1, .lost_buffer_full = 0, .lost_unwind = 2, .threads = 1,
                    .sampled_seconds = 0.25};
  const std::string text = write_record(record);
  CHECK(text.rfind("velo-preload-record 1\nprocess 42 7\n", 0) == 0);
  auto parsed = parse_record(text, "42.record");
  REQUIRE(parsed);
  CHECK(*parsed == record);

  ProcessRecord minimal;
  auto back = parse_record(write_record(minimal), "x");
  REQUIRE(back);
  CHECK(*back == minimal);
}

TEST_CASE("a damaged record is refused with the line and what was expected", "[preload]") {
  auto error_of = [](std::string_view text) {
    auto parsed = parse_record(text, "9.record");
    REQUIRE_FALSE(parsed);
    return parsed.error();
  };
  CHECK(error_of("").message == "the record is empty");
  CHECK(error_of("hello\n").message.find("velo-preload-record 1") != std::string::npos);
  CHECK(error_of("velo-preload-record 2\n").where.line == 1);
  const auto truncated = error_of("velo-preload-record 1\nprocess 1 2\n");
  CHECK(truncated.message.find("no 'end'") != std::string::npos);
  const auto half_line = error_of("velo-preload-record 1\nprocess 1");
  CHECK(half_line.message.find("line break") != std::string::npos);
  const auto bad = error_of("velo-preload-record 1\ncounting 2\nend\n");
  CHECK(bad.where.file == "9.record");
  CHECK(bad.where.line == 2);
  CHECK(bad.message == "malformed 'counting' line");
  CHECK(error_of("velo-preload-record 1\nbracket -1 0 0\nend\n").where.line == 2);
  CHECK(error_of("velo-preload-record 1\ntotals 1 2\nend\n").message == "malformed 'totals' line");
  CHECK(error_of("velo-preload-record 1\ntotals 1 2 3 4\nend\n").message == "malformed 'totals' line");
  CHECK(error_of("velo-preload-record 1\nsurprise\nend\n").message.find("unknown line 'surprise'") == 0);
  CHECK(error_of("velo-preload-record 1\nend\nprocess 1 2\n").message == "nothing may follow 'end'");
}

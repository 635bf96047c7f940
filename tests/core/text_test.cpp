#include <catch2/catch.hpp>

#include "core/text.hpp"

TEST_CASE("edit distance and did-you-mean", "[text]") {
  CHECK(velo::edit_distance("", "") == 0);
  CHECK(velo::edit_distance("kitten", "sitting") == 3);
  CHECK(velo::closest_match("repetitons", {"repetitions", "min_time", "timeout"}) == "repetitions");
  CHECK(velo::closest_match("thread", {"threads", "increments"}) == "threads");
  CHECK_FALSE(velo::closest_match("xyz", {"repetitions", "timeout"}).has_value());
}

TEST_CASE("durations parse with units only", "[text]") {
  CHECK(velo::parse_duration("50ms") == Approx(0.05));
  CHECK(velo::parse_duration("0.2s") == Approx(0.2));
  CHECK(velo::parse_duration("1.5m") == Approx(90));
  CHECK(velo::parse_duration("250us") == Approx(250e-6));
  CHECK(velo::parse_duration("100ns") == Approx(100e-9));
  CHECK_FALSE(velo::parse_duration("100").has_value());
  CHECK_FALSE(velo::parse_duration("-1s").has_value());
  CHECK_FALSE(velo::parse_duration("fast").has_value());
}

TEST_CASE("number formatting", "[text]") {
  CHECK(velo::format_significant(1234.5) == "1234");
  CHECK(velo::format_significant(12.345) == "12.3");
  CHECK(velo::format_significant(0.012345) == "0.0123");
  CHECK(velo::format_si(81'300'000) == "81.3M");
  CHECK(velo::format_si(999'960) == "1.00M");
  CHECK(velo::format_si(12.0) == "12.0");
  CHECK(velo::format_si(1500) == "1.50k");
  CHECK(velo::format_duration(0.0123) == "12.3ms");
  CHECK(velo::format_duration(125) == "2m05s");
  CHECK(velo::format_bytes(0) == "0 B");
  CHECK(velo::format_bytes(64) == "64.0 B");
  CHECK(velo::format_bytes(4096) == "4.00 KiB");
  CHECK(velo::format_bytes(1.5 * 1024 * 1024) == "1.50 MiB");
}

TEST_CASE("content hash is FNV-1a 64", "[text]") {
  // Reference values of the FNV-1a 64-bit test suite (Fowler/Noll/Vo).
  CHECK(velo::content_hash("") == "fnv1a64:cbf29ce484222325");
  CHECK(velo::content_hash("a") == "fnv1a64:af63dc4c8601ec8c");
  CHECK(velo::content_hash("foobar") == "fnv1a64:85944171f73967e8");
}

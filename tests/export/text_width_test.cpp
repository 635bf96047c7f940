#include <catch2/catch.hpp>

#include "export/text_width.hpp"

using velo::exporter::display_width;
using velo::exporter::truncate_to_width;

TEST_CASE("display width counts columns, not bytes", "[export]") {
  CHECK(display_width("") == 0);
  CHECK(display_width("atomic") == 6);
  CHECK(display_width("± 1.2%") == 6);          // '±' is 2 bytes, 1 column
  CHECK(display_width("spin·ttas") == 9);
  CHECK(display_width("µs") == 2);
  CHECK(display_width("原子") == 4);             // wide CJK: 2 columns each
  CHECK(display_width("e\xCC\x81") == 1);         // e + combining acute
  CHECK(display_width("\xF0\x9F\x9A\x80") == 2);  // an emoji (U+1F680)
  CHECK(display_width("a\xFF" "b") == 3);         // a stray byte still takes a column
  CHECK(display_width("\xE2\x82") == 2);          // truncated sequence: two stray bytes
}

TEST_CASE("truncate_to_width cuts at a character boundary and marks the cut", "[export]") {
  CHECK(truncate_to_width("short", 10) == "short");
  CHECK(truncate_to_width("exactly10!", 10) == "exactly10!");
  CHECK(truncate_to_width("a longer reason", 8) == "a longe…");
  CHECK(display_width(truncate_to_width("a longer reason", 8)) == 8);
  CHECK(truncate_to_width("±±±±±", 3) == "±±…");
  CHECK(truncate_to_width("原子原子", 5) == "原子…");  // a wide char never straddles the edge
  CHECK(truncate_to_width("anything", 0).empty());
}

// The progress bar drawn on a terminal (runner/progress.hpp).
#include <catch2/catch.hpp>

#include "runner/progress.hpp"

TEST_CASE("the progress bar fills in proportion and never overflows", "[progress]") {
  CHECK(velo::progress_bar(0, 10, 10) == "[..........]");
  CHECK(velo::progress_bar(5, 10, 10) == "[#####.....]");
  CHECK(velo::progress_bar(10, 10, 10) == "[##########]");
  CHECK(velo::progress_bar(12, 10, 10) == "[##########]");  // units forgone after a failure
  CHECK(velo::progress_bar(3, 0, 4) == "[....]");
}

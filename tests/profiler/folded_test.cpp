#include <catch2/catch.hpp>
#include "profiler/folded.hpp"
TEST_CASE("placeholder") {}

// The one case a small scenario text expands to, through the real registry: how
// runner tests get a Case to measure in-process.
#pragma once

#include <catch2/catch.hpp>

#include <string_view>

#include "families/family.hpp"
#include "scenario/scenario.hpp"

namespace velo::testing {

inline Case single_case(std::string_view toml) {
  auto scenario = parse_scenario(toml, "runner_test.toml", registry());
  INFO((scenario ? std::string() : scenario.error().describe()));
  REQUIRE(scenario);
  auto cases = expand_cases({*scenario}, {}, registry());
  REQUIRE(cases);
  REQUIRE(cases->size() == 1);
  return cases->front();
}

}  // namespace velo::testing

// The one case a small scenario text expands to, through the real registry: how
// runner tests get a Case to measure in-process.
#pragma once

#include <catch2/catch.hpp>

#include <string>
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

// The counters family's atomic variant, `increments` = 10, in a scenario with the
// given name, [run] lines and thread count: the small case most runner tests measure.
inline Case atomic_counter_case(std::string_view name, std::string_view run_lines, int threads = 1) {
  return single_case("[scenario]\nname = \"" + std::string(name) + "\"\nfamily = \"counters\"\n[run]\n" +
                     std::string(run_lines) + "[params]\nthreads = " + std::to_string(threads) +
                     "\nincrements = 10\n[[variant]]\nname = \"atomic\"\nimpl = \"atomic_fetch_add\"\n");
}

}  // namespace velo::testing

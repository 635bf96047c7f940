// A registry for scenario tests: the real counters family plus a fake family whose
// parameters cover every ParamType and whose implementations exercise validation,
// per-case skipping and host skipping. Its workloads are never built.
#pragma once

#include <string>
#include <string_view>

#include "families/counters/counters.hpp"
#include "families/family.hpp"
#include "scenario/scenario.hpp"

namespace velo::testing {

inline Family make_fake_family() {
  Family family;
  family.name = "fake";
  family.doc = "parameters of every type, for scenario tests";
  family.op = "nothing";
  family.params = {
      {.name = "size", .type = ParamType::bytes, .default_value = std::int64_t{4096}, .min = 1},
      {.name = "ratio", .type = ParamType::number, .default_value = 0.5, .min = 0, .max = 1},
      {.name = "mode", .type = ParamType::choice, .default_value = std::string("a"), .choices = {"a", "b"}},
      {.name = "flag", .type = ParamType::boolean, .default_value = false},
  };
  family.validate = [](const Params& params) -> std::optional<std::string> {
    if (params.text("mode") == "b" && params.boolean("flag")) return "mode b cannot be combined with flag";
    return std::nullopt;
  };
  family.impls = {
      {.name = "plain", .doc = "no parameters of its own"},
      {.name = "tuned",
       .doc = "one parameter of its own; refuses sizes over 1MiB",
       .params = {{.name = "knob", .type = ParamType::integer, .default_value = std::int64_t{3}, .min = 0}},
       .case_unsupported = [](const Params& params) -> std::optional<std::string> {
         if (params.integer("size") > (1 << 20)) return "sizes over 1MiB do not apply";
         return std::nullopt;
       }},
      {.name = "labelled",
       .doc = "a text parameter, like the io family's dir",
       .params = {{.name = "label", .type = ParamType::text, .default_value = std::string("x")}}},
      {.name = "absent",
       .doc = "never available on this host",
       .host_unsupported = []() -> std::optional<std::string> { return "needs a feature this host lacks"; },
       .case_unsupported = [](const Params&) -> std::optional<std::string> { return "never reached"; }},
  };
  return family;
}

inline const Registry& test_registry() {
  static const Registry registry = [] {
    Registry r;
    r.add(make_counters_family());
    r.add(make_fake_family());
    return r;
  }();
  return registry;
}

// Parses a scenario that must be valid (the test fails with the error otherwise).
inline Scenario parse_ok(std::string_view text, const std::string& path = "test.toml") {
  auto parsed = parse_scenario(text, path, test_registry());
  INFO((parsed ? std::string() : parsed.error().describe()));
  REQUIRE(parsed.ok());
  return *parsed;
}

// Parses a scenario that must be rejected, returning the error.
inline Error parse_fails(std::string_view text, const std::string& path = "test.toml") {
  auto parsed = parse_scenario(text, path, test_registry());
  REQUIRE_FALSE(parsed.ok());
  return parsed.error();
}

}  // namespace velo::testing

// Fuzz target: a scenario file through the parser and case expansion (with a
// --filter and a --param, as `velo run` applies them). Any input may be rejected;
// none may crash, hang or exhaust memory.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/pattern.hpp"
#include "fuzz_registry.hpp"
#include "scenario/scenario.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto scenario = velo::parse_scenario(text, "fuzz.toml", velo::fuzz::registry());
  if (!scenario.ok()) return 0;
  velo::Overrides overrides;
  overrides.params = {"threads=[1,2]"};
  auto cases = velo::expand_cases({*scenario}, overrides, velo::fuzz::registry());
  if (!cases.ok()) cases = velo::expand_cases({*scenario}, {}, velo::fuzz::registry());
  if (!cases.ok()) return 0;
  auto filter = velo::Pattern::compile("mutex|dir=", "--filter");
  std::size_t kept = 0;
  for (const auto& c : *cases) kept += filter->search(c.id) ? 1 : 0;
  return kept > cases->size() ? 1 : 0;
}

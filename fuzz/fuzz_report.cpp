// Fuzz target: a report through the reader, then everything `velo compare` and
// `velo gate` do with it (the comparability checks, the comparison, the scenario
// [gate] tables, the gate) and the JSON writer.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "report/compare.hpp"
#include "report/gate.hpp"
#include "report/report.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto report = velo::report::parse_report(text, "fuzz.json");
  if (!report.ok()) return 0;
  velo::report::GatePolicy policy;
  for (const auto& scenario : report->scenarios) {
    if (!velo::report::add_scenario_gate(scenario.name, scenario.gate, policy).ok()) return 0;
  }
  policy.compare.allow_missing = true;
  if (velo::report::check_comparable(*report, *report, policy.compare).ok()) {
    auto result = velo::report::evaluate_gate(*report, *report, policy);
    (void)result.passed();
  }
  const std::string written = velo::report::to_json_text(*report);
  return written.empty() ? 1 : 0;
}

// Rendering `velo compare` and `velo gate` results. Each function returns text; the
// CLI decides where it goes.
#pragma once

#include <string>

#include "report/compare.hpp"
#include "report/gate.hpp"

namespace velo::exporter {

struct DiffOptions {
  bool color = false;
  bool sort_by_delta = false;  // largest change first instead of report order
};

std::string diff_table(const report::Comparison& comparison, const DiffOptions& options = {});
std::string diff_markdown(const report::Comparison& comparison, const DiffOptions& options = {});
std::string diff_csv(const report::Comparison& comparison);
std::string diff_json(const report::Comparison& comparison);

// One line per regression/improvement and a verdict, for the terminal.
std::string gate_text(const report::GateResult& result, bool color = false);
// Markdown for a CI step summary or PR comment: regressions first, then
// improvements, then a count of unchanged cases.
std::string gate_markdown(const report::GateResult& result);
// Machine-readable verdict: passed, every finding, counts, and the full comparison.
std::string gate_json(const report::GateResult& result);

// "+12.3%", "-4.56%", "+inf%" (from zero).
std::string format_delta(double delta);

}  // namespace velo::exporter

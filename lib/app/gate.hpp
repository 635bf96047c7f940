// `velo gate`: judge HEAD against BASE with the thresholds of the command line, a
// gate file and BASE's scenarios, optionally confirming suspects with a second round
// of reports (--confirm-with) or by re-measuring them (--confirm) exactly as HEAD's
// run request says. Rendering and the --summary file are the caller's.
#pragma once

#include <string>
#include <vector>

#include "app/compare.hpp"
#include "core/result.hpp"
#include "families/family.hpp"
#include "report/gate.hpp"

namespace velo::app {

struct GateRequest {
  CompareRequest compare;
  std::string max_regression;             // "5%"; "" = the default
  std::string gate_file;                  // TOML thresholds; "" = none
  std::vector<std::string> confirm;       // scenario files to re-measure suspects from
  std::vector<std::string> confirm_with;  // BASE2.json HEAD2.json: a second, interleaved round
  bool quiet = false;                     // no progress while re-measuring
};

struct GateOutcome {
  report::GateResult result;
  report::GatePolicy policy;  // the thresholds applied (the HTML page draws them)
  ReportPair reports;
  // What reading HEAD's run request had to overlook, when --confirm re-ran it.
  std::vector<std::string> warnings;
};

// Exit code of a verdict: 0 passed, 1 not.
int exit_code_of(const report::GateResult& result);

Expected<GateOutcome> gate(const Registry& registry, const GateRequest& request);

}  // namespace velo::app

// `velo gate --history DB HEAD.json` (history/gate.hpp): cmd_gate.cpp hands over to
// cmd_history.cpp, where the history commands live.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace velo::cli {

struct HistoryGateArgs {
  std::string db;
  std::string head;
  std::string branch;                // the base branch whose history HEAD is judged against
  std::size_t window = 30;
  double sigmas = 4.0;
  std::string max_regression;        // --max-regression: the floor of a flagged change (default 2%)
  std::string filter;
  std::vector<std::string> metrics;  // empty: ns_per_op
  bool no_range = false;             // --no-range: sigmas and the floor only
  std::string format = "text";       // text, markdown or json
  std::string summary;               // --summary FILE: Markdown, written atomically
};

int history_gate(const HistoryGateArgs& args);

}  // namespace velo::cli

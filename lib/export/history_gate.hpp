// `velo gate --history` rendered: the text a terminal shows, the Markdown of a CI
// step summary (--summary, --format markdown) and JSON for tools (--format json).
// Registered in formats.cpp under Takes::history_gate.
#pragma once

#include <string>

#include "history/gate.hpp"

namespace velo::exporter {

std::string history_gate_text(const history::HistoryGateResult& result);
std::string history_gate_markdown(const history::HistoryGateResult& result);
std::string history_gate_json(const history::HistoryGateResult& result);

}  // namespace velo::exporter

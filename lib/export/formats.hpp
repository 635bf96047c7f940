// The registry of output formats: every way velo can render what a command produced
// (a report, a comparison, a gate verdict or folded stacks) is one Format here.
// `velo run --format`, `compare --format`, `gate --format` and `export --to` build
// their choices, help text and errors from it. Adding a format is one file (its
// render function) plus one registration line in formats.cpp.
//
// A format renders bytes; it never writes files (the caller does, through
// core/atomic_file.hpp, so outputs are atomic and stdout errors are checked).
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "families/family.hpp"
#include "history/gate.hpp"
#include "profiler/folded.hpp"
#include "report/compare.hpp"
#include "report/gate.hpp"
#include "report/report.hpp"

namespace velo::exporter {

// What a format takes.
enum class Takes { report, comparison, gate, folded, history_gate };
std::string_view to_string(Takes takes);

// Which commands offer a format (a bit set).
enum Offered : unsigned {
  offered_by_run = 1u << 0,      // velo run --format
  offered_by_compare = 1u << 1,  // velo compare --format
  offered_by_gate = 1u << 2,     // velo gate --format
  offered_by_export = 1u << 3,   // velo export --to
};

// The one thing a format renders; the pointer matching Format::takes is set.
struct Input {
  const report::Report* report = nullptr;
  const report::Comparison* comparison = nullptr;
  const report::GateResult* gate = nullptr;
  const profiler::FoldedStacks* folded = nullptr;
  const history::HistoryGateResult* history_gate = nullptr;
};

struct RenderOptions {
  bool color = false;          // ANSI colour on a terminal
  bool sort_by_delta = false;  // comparisons: largest change first
  bool details = false;        // run tables: per-case details under every table, reasons in full
  int hz = 99;                 // folded stacks: samples per second (pprof's time per sample)
  std::string source_name;     // folded stacks: the input's file name (speedscope's profile name)
  const Registry* families = nullptr;  // headline metrics and details; nullptr = velo::registry()
};

struct Format {
  std::string name;
  Takes takes = Takes::report;
  unsigned offered = 0;  // Offered bits
  bool binary = false;   // refused on a terminal; needs -o or a redirect
  std::string doc;       // one line for help texts
  std::function<Expected<std::string>(const Input&, const RenderOptions&)> render;
};

class FormatRegistry {
 public:
  void add(Format format);
  // The format `name` for what `takes`; nullptr when there is none.
  const Format* find(Takes takes, std::string_view name) const;
  // The names a command offers, in registration order, each once; with `takes`, only
  // those taking it.
  std::vector<std::string> names(Offered command) const;
  std::vector<std::string> names(Offered command, Takes takes) const;
  const std::vector<Format>& all() const { return formats_; }

 private:
  std::vector<Format> formats_;
};

// Every built-in format.
const FormatRegistry& formats();

// "unknown format 'mardown' (did you mean 'markdown'?); formats: table, markdown, csv, json"
Error unknown_format(std::string_view option, std::string_view name, const std::vector<std::string>& known);

}  // namespace velo::exporter

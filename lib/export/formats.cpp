#include "export/formats.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>

#include "core/text.hpp"
#include "export/benchstat.hpp"
#include "export/diff.hpp"
#include "export/exporters.hpp"
#include "export/gbench.hpp"
#include "export/history_gate.hpp"
#include "export/pprof.hpp"
#include "export/speedscope.hpp"
#include "export/table_summary.hpp"

namespace velo::exporter {

std::string_view to_string(Takes takes) {
  switch (takes) {
    case Takes::report: return "report";
    case Takes::comparison: return "comparison";
    case Takes::gate: return "gate result";
    case Takes::folded: return "folded stacks";
    case Takes::history_gate: return "history gate result";
  }
  return "?";
}

void FormatRegistry::add(Format format) { formats_.push_back(std::move(format)); }

const Format* FormatRegistry::find(Takes takes, std::string_view name) const {
  for (const Format& format : formats_) {
    if (format.takes == takes && format.name == name) return &format;
  }
  return nullptr;
}

std::vector<std::string> FormatRegistry::names(Offered command) const {
  std::vector<std::string> out;
  for (const Format& format : formats_) {
    // A name a command offers for two inputs (gate's text for a gate and a history
    // gate) is one choice.
    if ((format.offered & command) && std::find(out.begin(), out.end(), format.name) == out.end()) {
      out.push_back(format.name);
    }
  }
  return out;
}

std::vector<std::string> FormatRegistry::names(Offered command, Takes takes) const {
  std::vector<std::string> out;
  for (const Format& format : formats_) {
    if ((format.offered & command) && format.takes == takes) out.push_back(format.name);
  }
  return out;
}

Error unknown_format(std::string_view option, std::string_view name, const std::vector<std::string>& known) {
  const auto hint = closest_match(std::string(name), known);
  return make_error(fmt::format("{}: unknown format '{}'{}; formats: {}", option, name,
                                hint ? fmt::format(" (did you mean '{}'?)", *hint) : "", join(known, ", ")));
}

namespace {

using Render = std::function<Expected<std::string>(const Input&, const RenderOptions&)>;

// The render function of a format taking `*(input.*Member)`.
template <auto Member, typename F>
Render takes(F f) {
  return [f](const Input& in, const RenderOptions& o) -> Expected<std::string> { return f(*(in.*Member), o); };
}

TableOptions table_options(const RenderOptions& o) {
  return {.color = o.color, .families = o.families, .details = o.details};
}

// The terminal tables, then the short summary of each (fastest variant, spread).
std::string table_with_summary(const report::Report& report, const TableOptions& options) {
  const std::string summary = comparison_summary(report, options);
  return comparison_table(report, options) + (summary.empty() ? "" : "\n" + summary);
}
DiffOptions diff_options(const RenderOptions& o) { return {.color = o.color, .sort_by_delta = o.sort_by_delta}; }

constexpr unsigned kRunAndExport = offered_by_run | offered_by_export;

FormatRegistry builtin_formats() {
  FormatRegistry r;
  // Reports (velo run's stdout; velo export REPORT.json --to ...).
  r.add({"table", Takes::report, offered_by_run, false, "comparison tables for the terminal",
         takes<&Input::report>([](const report::Report& x, const RenderOptions& o) { return table_with_summary(x, table_options(o)); })});
  r.add({"markdown", Takes::report, kRunAndExport, false, "the comparison tables as GitHub Markdown (report)",
         takes<&Input::report>([](const report::Report& x, const RenderOptions& o) { return comparison_markdown(x, table_options(o)); })});
  r.add({"csv", Takes::report, kRunAndExport, false, "one row per case and metric (report)",
         takes<&Input::report>([](const report::Report& x, const RenderOptions&) { return cases_csv(x); })});
  r.add({"json", Takes::report, offered_by_run, false, "the report itself (reports/SPEC.md)",
         takes<&Input::report>([](const report::Report& x, const RenderOptions&) { return report::to_json_text(x); })});
  r.add({"benchstat", Takes::report, offered_by_export, false,
         "Go benchmark lines, one per repetition, for benchstat (report)",
         takes<&Input::report>([](const report::Report& x, const RenderOptions&) { return benchstat_text(x); })});
  r.add({"gbench", Takes::report, offered_by_export, false,
         "Google Benchmark JSON with repetitions and aggregates, for compare.py (report)",
         takes<&Input::report>([](const report::Report& x, const RenderOptions&) { return gbench_json(x); })});
  // Comparisons (velo compare).
  r.add({"table", Takes::comparison, offered_by_compare, false, "one row per case and metric, for the terminal",
         takes<&Input::comparison>([](const report::Comparison& x, const RenderOptions& o) { return diff_table(x, diff_options(o)); })});
  r.add({"markdown", Takes::comparison, offered_by_compare, false, "the same as GitHub Markdown",
         takes<&Input::comparison>([](const report::Comparison& x, const RenderOptions& o) { return diff_markdown(x, diff_options(o)); })});
  r.add({"csv", Takes::comparison, offered_by_compare, false, "one row per case and metric",
         takes<&Input::comparison>([](const report::Comparison& x, const RenderOptions&) { return diff_csv(x); })});
  r.add({"json", Takes::comparison, offered_by_compare, false, "every case, metric, test and verdict",
         takes<&Input::comparison>([](const report::Comparison& x, const RenderOptions&) { return diff_json(x); })});
  // Gate verdicts (velo gate).
  r.add({"text", Takes::gate, offered_by_gate, false, "one line per finding and the verdict",
         takes<&Input::gate>([](const report::GateResult& x, const RenderOptions& o) { return gate_text(x, o.color); })});
  r.add({"markdown", Takes::gate, offered_by_gate, false, "a CI step summary or pull-request comment",
         takes<&Input::gate>([](const report::GateResult& x, const RenderOptions&) { return gate_markdown(x); })});
  r.add({"json", Takes::gate, offered_by_gate, false, "the verdict, every finding and the full comparison",
         takes<&Input::gate>([](const report::GateResult& x, const RenderOptions&) { return gate_json(x); })});
  // velo gate --history --format: the gate's own names, for the history gate's result.
  r.add({"text", Takes::history_gate, offered_by_gate, false, "one line per judged series and the verdict",
         takes<&Input::history_gate>([](const history::HistoryGateResult& x, const RenderOptions&) {
           return history_gate_text(x);
         })});
  r.add({"markdown", Takes::history_gate, offered_by_gate, false, "a CI step summary or pull-request comment",
         takes<&Input::history_gate>([](const history::HistoryGateResult& x, const RenderOptions&) {
           return history_gate_markdown(x);
         })});
  r.add({"json", Takes::history_gate, offered_by_gate, false, "the verdict and every judged series",
         takes<&Input::history_gate>([](const history::HistoryGateResult& x, const RenderOptions&) {
           return history_gate_json(x);
         })});
  // Folded stacks (velo export FOLDED --to ...).
  r.add({"speedscope", Takes::folded, offered_by_export, false, "speedscope JSON, one profile per thread",
         takes<&Input::folded>([](const profiler::FoldedStacks& x, const RenderOptions& o) {
           return speedscope_json(x, std::filesystem::path(o.source_name).filename().string());
         })});
  r.add({"pprof", Takes::folded, offered_by_export, true, "gzipped profile.proto for go tool pprof",
         takes<&Input::folded>([](const profiler::FoldedStacks& x, const RenderOptions& o) {
           return pprof_gzip(x, {.hz = o.hz});
         })});
  return r;
}

}  // namespace

const FormatRegistry& formats() {
  static const FormatRegistry registry = builtin_formats();
  return registry;
}

}  // namespace velo::exporter

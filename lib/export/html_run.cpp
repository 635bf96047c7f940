// `velo report` / `velo run --html`: a run's report as an HTML page. The data is the
// report itself, exactly as velo writes it (reports/SPEC.md), plus the families'
// headline metrics and parameter types; lib/export/html/run.js draws it.
#include <fmt/format.h>

#include <filesystem>

#include "export/flamegraph_svg.hpp"
#include "export/html_page.hpp"
#include "export/html_report.hpp"
#include "profiler/folded.hpp"

namespace velo::exporter {

std::string run_html(std::span<const NamedReport> reports, const HtmlOptions& options) {
  nlohmann::json runs = nlohmann::json::array();
  for (const NamedReport& named : reports) {
    runs.push_back({{"source", named.source}, {"report", nlohmann::json::parse(report::to_json_text(*named.report))}});
  }
  std::string title = options.title;
  if (title.empty()) {
    title = reports.size() == 1 ? fmt::format("velo report: {}", reports.front().source)
                                : fmt::format("velo report: {} runs", reports.size());
  }
  nlohmann::json data = {
      {"kind", "run"},
      {"title", title},
      {"reports", std::move(runs)},
      {"families", html::families_json(options.families)},
      {"flamegraphs", options.flamegraphs},
      {"flamegraph_problems", options.flamegraph_problems},
  };
  return html::page("run", title, data);
}

void add_flamegraphs(const report::Report& report, HtmlOptions& options) {
  for (const report::CaseResult& result : report.cases) {
    const auto profile = result.details.find("profile");
    if (profile == result.details.end() || !profile->is_object()) continue;
    const auto file = profile->find("folded_file");
    if (file == profile->end() || !file->is_string()) continue;
    const std::string& id = result.spec.id;
    // Relative to the directory velo ran in; from elsewhere, look there too.
    std::string path = file->get<std::string>();
    std::error_code error;
    if (const std::filesystem::path relative(path);
        relative.is_relative() && !std::filesystem::exists(relative, error) && !report.provenance.directory.empty() &&
        std::filesystem::exists(std::filesystem::path(report.provenance.directory) / relative, error)) {
      path = (std::filesystem::path(report.provenance.directory) / relative).string();
    }
    auto stacks = profiler::FoldedStacks::read_file(path);
    if (!stacks.ok()) {
      options.flamegraph_problems[id] = stacks.error().describe();
      continue;
    }
    if (stacks->empty()) {
      options.flamegraph_problems[id] = fmt::format("{}: no samples", path);
      continue;
    }
    std::string svg = flamegraph_svg(*stacks, {.title = id});
    if (svg.size() > kMaxEmbeddedFlamegraphBytes) {
      options.flamegraph_problems[id] =
          fmt::format("{}: the flame graph is {} bytes, more than the {} this page embeds; render it with "
                      "velo flame {} -o flame.svg",
                      path, svg.size(), kMaxEmbeddedFlamegraphBytes, path);
      continue;
    }
    options.flamegraphs[id] = std::move(svg);
  }
}

}  // namespace velo::exporter

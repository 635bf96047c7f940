// `velo show`: see show.hpp.
#include "export/show.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstdint>

#include "core/text.hpp"

namespace velo::exporter {

namespace {

const Registry& families_or_default(const Registry* families) { return families ? *families : velo::registry(); }

std::string metric_line(const report::MetricResult& m) {
  const auto& s = m.summary;
  return fmt::format("  {:<30} {} {}  [{}, {}] @{}%  cv {}%  n {}  ({} is better)", m.spec.name, format_si(s.median),
                     m.spec.unit, format_si(s.ci.low), format_si(s.ci.high), format_significant(100 * s.ci.level, 3),
                     format_significant(100 * s.cv, 2), s.n, to_string(m.spec.better));
}

std::string indent(const std::string& text, std::string_view prefix) {
  std::string out;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    out += fmt::format("{}{}\n", prefix, text.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

// Layouts as the cacheline family writes them: drawing divides by line_bytes.
bool layouts_drawable(const nlohmann::json& details) {
  const auto layouts = details.find("layouts");
  if (layouts == details.end()) return true;
  if (!layouts->is_array()) return false;
  for (const auto& layout : *layouts) {
    if (!layout.is_object()) return false;
    const auto line = layout.find("line_bytes");
    if (line != layout.end() && !(line->is_number_unsigned() && line->get<std::uint64_t>() > 0)) return false;
  }
  return true;
}

std::string environment_text(const report::Report& report) {
  const Environment& e = report.environment;
  std::string out = "environment:\n";
  out += fmt::format("  host {}, {} {} {}\n", e.hostname, e.os, e.kernel, e.arch);
  out += fmt::format("  cpu {} ({} logical CPUs), governor {}\n", e.cpu_model, e.logical_cpus,
                     e.governor ? *e.governor : "unknown");
  out += fmt::format("  {} {}, {}; {}\n", e.compiler, e.compiler_flags, e.build_type, e.libc);
  return out;
}

}  // namespace

std::vector<const report::CaseResult*> find_cases(const report::Report& report, const std::string& query) {
  for (const auto& c : report.cases) {
    if (c.spec.id == query) return {&c};
  }
  std::vector<const report::CaseResult*> out;
  for (const auto& c : report.cases) {
    if (c.spec.id.find(query) != std::string::npos) out.push_back(&c);
  }
  return out;
}

std::string report_overview_text(const report::Report& report, const Registry* families) {
  std::string out = fmt::format("run {} .. {}{}\n", report.started_at, report.finished_at,
                                report.complete ? "" : " (interrupted: incomplete)");
  out += fmt::format("velo {} ({})", report.provenance.velo_version, report.provenance.velo_commit);
  if (report.provenance.git_commit) {
    out += fmt::format(", in {} at {}{}", report.provenance.directory, *report.provenance.git_commit,
                       report.provenance.git_dirty.value_or(false) ? " (uncommitted changes)" : "");
  }
  out += "\n";
  out += environment_text(report);
  if (!report.notes.empty()) {
    out += "notes:\n";
    for (const auto& note : report.notes) out += indent(note, "  ");
  }
  out += fmt::format("cases ({}):\n", report.cases.size());
  std::size_t width = 0;
  for (const auto& c : report.cases) width = std::max(width, c.spec.id.size());
  const Registry& registry = families_or_default(families);
  for (const auto& c : report.cases) {
    std::string outcome(report::to_string(c.status));
    if (c.status == report::CaseStatus::ok) {
      const Family* family = registry.find(c.spec.family);
      const std::vector<std::string> headline = family ? family->headline : Family{}.headline;
      for (const auto& name : headline) {
        if (const auto* m = c.find_metric(name)) {
          outcome = fmt::format("ok  {} {} {}", format_si(m->summary.median), m->spec.unit, name);
          break;
        }
      }
    } else if (!c.reason.empty()) {
      outcome += ": " + c.reason;
    }
    out += fmt::format("  {:<{}}  {}\n", c.spec.id, width, outcome);
  }
  out += "'velo show REPORT CASE' prints one case in full (CASE: its id or part of it).\n";
  return out;
}

std::string case_text(const report::Report& report, const report::CaseResult& c, const Registry* families) {
  const Case& spec = c.spec;
  std::string out = fmt::format("{}\n", spec.id);
  out += fmt::format("  scenario {}, family {}, variant {} (impl {}){}\n", spec.scenario, spec.family, spec.variant,
                     spec.impl, spec.baseline ? ", the baseline" : "");
  out += fmt::format("  compared at: {}\n", spec.group.empty() ? "(no parameters)" : spec.group);
  const Family* family = families_or_default(families).find(spec.family);
  std::vector<std::string> params;
  for (const auto& [name, value] : spec.params.values()) {
    ParamType type = ParamType::integer;
    if (family) {
      if (const Implementation* impl = family->find_impl(spec.impl)) {
        if (const ParamSpec* p = family->find_param(*impl, name)) type = p->type;
      }
    }
    params.push_back(fmt::format("{}={}", name, format_param(value, type)));
  }
  out += fmt::format("  parameters: {}\n", params.empty() ? "none" : join(params, ", "));
  const RunSettings& run = spec.settings;
  out += fmt::format("  run: {} repetitions in {} fork(s), min time {}, warm-up {}, timeout {}{}\n", run.repetitions,
                     run.forks, format_duration(run.min_time_s), format_duration(run.warmup_s),
                     format_duration(run.timeout_s), run.pin_threads ? ", threads pinned" : "");
  if (run.measure.deterministic()) {  // docs/deterministic.md
    out += fmt::format("  measured: {} in {} ops per repetition{}{}{}\n", to_string(run.measure.mode), run.measure.ops,
                       run.measure.cache_sim ? ", cache simulation" : "",
                       run.measure.branch_sim ? ", branch simulation" : "", run.measure.threaded ? ", threaded" : "");
  }
  out += fmt::format("status: {}{}\n", report::to_string(c.status), c.partial ? " (partial: interrupted)" : "");
  if (!c.reason.empty()) out += indent(c.reason, "  ");
  if (!c.metrics.empty()) {
    out += "metrics (median, 95% CI of the median at its actual coverage, coefficient of variation, samples):\n";
    for (const auto& m : c.metrics) out += metric_line(m) + "\n";
  }
  if (c.peak_rss_bytes) out += fmt::format("peak RSS {}\n", format_bytes(static_cast<double>(*c.peak_rss_bytes)));
  if (c.wall_seconds > 0) out += fmt::format("wall time {}\n", format_duration(c.wall_seconds));
  if (c.threads_apart()) out += "flag: threads apart (overlap_pct below 90%)\n";
  if (c.forks_disagree()) out += "flag: forks disagree (details.fork_spread)\n";
  nlohmann::json rest = c.details;
  if (const auto notes = rest.find("notes"); notes != rest.end() && notes->is_array()) {
    out += "notes:\n";
    for (const auto& note : *notes) out += indent(note.is_string() ? note.get<std::string>() : note.dump(), "  ");
    rest.erase("notes");
  }
  if (family && family->describe_details && !c.details.empty() && layouts_drawable(c.details)) {
    // A report is input: details that do not have the shape the family writes are
    // shown as JSON below instead of stopping velo.
    try {
      const std::string described = family->describe_details(c.details);
      if (!described.empty()) out += "details:\n" + indent(described, "  ");
      rest.erase("layouts");  // what describe_details draws
    } catch (const nlohmann::json::exception&) {
    }
  }
  if (!rest.empty()) {
    out += "details (JSON):\n";
    for (const auto& [key, value] : rest.items()) {
      out += fmt::format("  {}: {}\n", key, value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
    }
  }
  out += environment_text(report);
  return out;
}

}  // namespace velo::exporter

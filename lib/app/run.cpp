#include "app/run.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <optional>

#include "app/exit_code.hpp"
#include "app/external_baseline.hpp"
#include "core/atomic_file.hpp"
#include "core/pattern.hpp"
#include "core/text.hpp"
#include "plugin/plugin.hpp"
#include "runner/valgrind.hpp"
#include "shard/shard.hpp"
#include "scenario/scenario.hpp"

namespace velo::app {

namespace {

// "--out x/r.json: cannot write here: ..." or "--out: expected a file name, got ''".
Status check_output(const std::string& path, std::string_view option) {
  auto ok = check_writable(path);
  if (ok.ok()) return {};
  const Error& error = ok.error();
  return make_error(error.where.file.empty() ? fmt::format("{}: {}", option, error.message)
                                             : fmt::format("{} {}", option, error.describe()));
}

// The profile directory is created now, so a read-only or impossible one is one
// error before measuring instead of one per profiled case after it.
Status check_profile_dir(const std::string& dir) {
  if (dir.empty()) return make_error("--profile-dir: expected a directory name, got ''");
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return make_error(fmt::format("--profile-dir {}: cannot create the directory: {}", dir, ec.message()));
  if (!std::filesystem::is_directory(dir, ec)) return make_error(fmt::format("--profile-dir {}: not a directory", dir));
  if (::access(dir.c_str(), W_OK | X_OK) != 0) {
    return make_error(fmt::format("--profile-dir {}: cannot write there: {}", dir, std::strerror(errno)));
  }
  return {};
}

Status check_outputs(const RunInput& input) {
  if (auto ok = check_output(input.out, "--out"); !ok.ok()) return ok;
  if (input.request.baseline_velo || !input.baseline_plugins.empty() || input.external_baseline.given()) {
    if (auto ok = check_output(input.baseline_out, "--baseline-out"); !ok.ok()) return ok;
    if (input.baseline_out == input.out) {
      return make_error(fmt::format("--out and --baseline-out are both '{}': one report would overwrite the other",
                                    input.out));
    }
  }
  return {};
}

}  // namespace

Expected<RunOutput> run(const Registry& registry, const RunInput& input) {
  report::RunRequest request = input.request;
  std::optional<Pattern> filter;
  if (!request.filter.empty()) {
    auto compiled = Pattern::compile(request.filter, "--filter");
    if (!compiled.ok()) return compiled.error();
    filter = std::move(*compiled);
  }
  auto scenarios = input.paths.empty() ? load_builtin_quick_suite(registry) : load_scenarios(input.paths, registry);
  if (!scenarios.ok()) {
    // Without any plugin, a scenario naming the base build's implementations fails
    // first; the missing head build is the clearer error then.
    if (!input.baseline_plugins.empty() && plugin::loaded_identities().empty()) {
      if (auto paired = plugin::pair_baselines(input.baseline_plugins); !paired.ok()) return paired.error();
    }
    return scenarios.error();
  }
  // After the scenarios, which load their own plugins: a base build may pair with one.
  std::optional<nlohmann::json> substitutes;
  if (!input.baseline_plugins.empty()) {
    auto settings = plugin::pair_baselines(input.baseline_plugins);
    if (!settings.ok()) return settings.error();
    substitutes = std::move(*settings);
  }
  auto expanded = expand_cases(*scenarios, request.overrides(), registry);
  if (!expanded.ok()) return expanded.error();
  // Paired external benchmarks: planned over every case, before --filter and --shard.
  std::optional<ExternalPairing> external_pairing;
  if (input.external_baseline.given()) {
    const char* conflict = request.baseline_velo        ? "--baseline-velo"
                           : !input.baseline_plugins.empty() ? "--baseline-plugin"
                           : !request.isolate           ? "--no-isolate"
                                                        : nullptr;
    if (conflict) {
      return make_error(fmt::format("--baseline-binary and --baseline-dir cannot be combined with {}", conflict));
    }
    auto planned = ExternalPairing::plan(registry, *expanded, input.external_baseline);
    if (!planned.ok()) return planned.error();
    external_pairing = std::move(*planned);
  }
  std::vector<Case> cases;
  for (Case& c : *expanded) {
    if (!filter || filter->search(c.id)) cases.push_back(std::move(c));
  }
  if (cases.empty()) {
    return make_error(fmt::format("--filter '{}' matches none of the {} cases", request.filter, expanded->size()));
  }
  if (!input.shard.empty()) {
    auto selected = shard::select(std::move(cases), input.shard, input.shard_durations);
    if (!selected.ok()) return selected.error();
    cases = std::move(selected->cases);
    request.shard = std::move(selected->setting);
  }

  std::vector<report::ScenarioRecord> records;
  for (const Scenario& s : *scenarios) {
    records.push_back({.path = s.path, .name = s.name, .family = s.family, .content_hash = content_hash(s.content),
                       .gate = s.gate});
  }
  for (const Scenario& s : *scenarios) {
    if (auto profile = resolve_profile(s.profile, input.profiling)) {
      request.profiles[s.name] = to_profile_request(*profile);
    }
  }
  if (!request.profiles.empty()) request.profile_dir = input.profile_dir;

  SessionOptions options;
  options.quiet = input.quiet;
  request.plugins = plugin::loaded_identities();
  if (!input.baseline_plugins.empty()) {
    // This velo measures both builds of the plugins, fork by fork (lib/plugin/plugin.hpp).
    const char* conflict = request.baseline_velo ? "--baseline-velo"
                           : !request.isolate    ? "--no-isolate"
                           : !request.profiles.empty() ? "profiling"
                                                       : nullptr;
    if (conflict) return make_error(fmt::format("--baseline-plugin cannot be combined with {}", conflict));
    for (const auto& [head, base] : (*substitutes)["plugin_substitutes"].items()) {
      options.other_plugin_substitutes[head] = base.get<std::string>();
    }
    auto build = build_provenance(std::filesystem::read_symlink("/proc/self/exe").string());
    if (!build.ok()) return build.error();
    options.other_build = *build;
    request.baseline_plugins = input.baseline_plugins;
  } else if (external_pairing) {
    // This velo measures both sides, the base side with the base build's parameters.
    if (!request.profiles.empty()) {
      return make_error("--baseline-binary and --baseline-dir cannot be combined with profiling (profile in a "
                        "separate pass)");
    }
    auto base_cases = external_pairing->base_cases(cases);
    if (!base_cases.ok()) return base_cases.error();
    options.other_cases = std::move(*base_cases);
    auto build = build_provenance(std::filesystem::read_symlink("/proc/self/exe").string());
    if (!build.ok()) return build.error();
    options.other_build = *build;
  } else if (request.baseline_velo) {
    // Both builds' workers are needed, and profiling both sides into one directory
    // would mix their stacks: profile in a separate pass.
    const char* conflict = !request.isolate ? "--no-isolate" : !request.profiles.empty() ? "profiling" : nullptr;
    if (conflict) return make_error(fmt::format("--baseline-velo cannot be combined with {}", conflict));
    auto build = build_provenance(*request.baseline_velo);
    if (!build.ok()) return build.error();
    options.other_build = *build;
  }
  if (auto writable = check_outputs(input); !writable.ok()) return writable.error();
  if (auto ok = check_measure_modes(cases, request.isolate, !request.profiles.empty()); !ok.ok()) return ok.error();
  if (!request.profiles.empty()) {
    if (auto writable = check_profile_dir(request.profile_dir); !writable.ok()) return writable.error();
  }
  options.request = std::move(request);

  RunOutput output{.session = run_session(registry, cases, std::move(records), options), .cases = cases.size()};
  SessionResult& session = output.session;
  if (external_pairing) {
    session.report.notes.push_back(external_pairing->description());
    if (session.other_build_report) session.other_build_report->notes.push_back(external_pairing->description());
    for (const std::string& note : external_pairing->notes()) {
      session.report.notes.push_back(note);
      if (session.other_build_report) session.other_build_report->notes.push_back(note);
      output.warnings.push_back(note);
    }
  }
  if (session.other_build_report) {
    if (auto written = write_file_atomically(input.baseline_out, report::to_json_text(*session.other_build_report));
        !written.ok()) {
      output.errors.push_back(written.error());
    } else {
      output.written.push_back(fmt::format("baseline report written to {}", input.baseline_out));
    }
  }
  // The report is written even when interrupted (marked incomplete), never half-written.
  if (auto written = write_file_atomically(input.out, report::to_json_text(session.report)); !written.ok()) {
    output.errors.push_back(written.error());
  } else {
    output.written.push_back(fmt::format("report written to {}", input.out));
  }
  for (const auto& error : session.profile_errors) output.errors.push_back(make_error(error));

  if (session.interrupted) output.exit_code = exit_code::interrupted;
  else if (!output.errors.empty()) output.exit_code = exit_code::bad_input;
  else output.exit_code = session.any_failed ? exit_code::failed : exit_code::ok;
  return output;
}

}  // namespace velo::app

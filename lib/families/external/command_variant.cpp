#include "families/external/command_variant.hpp"

#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <map>

#include <fmt/format.h>

#include "core/text.hpp"
#include "families/external/command_line.hpp"
#include "families/external/gbench_json.hpp"
#include "families/external/go_bench_format.hpp"
#include "families/external/launcher.hpp"

namespace velo::external {
namespace {

constexpr std::string_view kNone = "none";

// Every name in kRunPlaceholders, in its order.
Params with_run_settings(const Params& params, const ExternalRun& run) {
  Params out = params;
  out.set(std::string(kRunPlaceholders[0]), std::int64_t{run.repetitions});
  out.set(std::string(kRunPlaceholders[1]), fmt::format("{}s", run.min_time_s));
  out.set(std::string(kRunPlaceholders[2]), run.min_time_s);
  return out;
}

// Why the case cannot run here: its program is not installed (a skip).
std::optional<std::string> program_missing(const Params& params) {
  auto words = split_words(params.text("command"));
  if (!words || words->empty() || params.text("command") == kNone) return std::nullopt;  // measure says why
  const std::string& program = words->front();
  if (program.find('/') != std::string::npos) return std::nullopt;  // relative to cwd: checked when run
  const char* path = std::getenv("PATH");
  std::string_view dirs = path ? path : "";
  while (true) {
    const auto colon = dirs.find(':');
    const std::string dir(dirs.substr(0, colon));
    if (!dir.empty() && ::access((dir + "/" + program).c_str(), X_OK) == 0) return std::nullopt;
    if (colon == std::string_view::npos) break;
    dirs.remove_prefix(colon + 1);
  }
  return fmt::format("'{}' is not installed (not in PATH)", program);
}

// One run's stdout, or why there is none.
Expected<std::string> run_once(const LaunchSpec& spec, int fd) {
  // The child shares the descriptor's offset: rewind it as well as emptying the file.
  if (::ftruncate(fd, 0) != 0 || ::lseek(fd, 0, SEEK_SET) != 0) {
    return make_error(fmt::format("cannot reset the output buffer: {}", std::strerror(errno)));
  }
  auto launcher = Launcher::make(spec);
  if (!launcher) return launcher.error();
  auto ran = launcher->run();
  if (!ran) return ran.error();
  std::string text;
  char buffer[65536];
  for (off_t at = 0;;) {
    const ssize_t n = ::pread(fd, buffer, sizeof buffer, at);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0 || text.size() > (std::size_t{64} << 20)) break;
    text.append(buffer, static_cast<std::size_t>(n));
    at += n;
  }
  if (!ran->succeeded()) {
    std::string message = fmt::format("'{}' failed ({})", join(spec.argv, " "), ran->outcome());
    if (auto tail = launcher->stderr_tail(); !tail.empty()) message += fmt::format("; its stderr ends:\n{}", tail);
    return make_error(std::move(message));
  }
  return text;
}

std::variant<ExternalMeasurement, CaseError> measure(const Params& params, const ExternalRun& run) {
  if (params.text("command") == kNone) return CaseError{"external_command needs 'command': the program to run"};
  const Params all = with_run_settings(params, run);
  auto words = split_words(params.text("command"));
  if (!words || words->empty()) {
    return CaseError{fmt::format("'command': {}", words ? std::string("it holds no words") : words.error().message)};
  }
  LaunchSpec spec;
  for (auto& word : *words) spec.argv.push_back(substitute(word, all));
  if (params.text("cwd") != ".") spec.cwd = substitute(params.text("cwd"), all);
  const int fd = ::memfd_create("velo-external-variant", MFD_CLOEXEC);
  if (fd < 0) return CaseError{fmt::format("memfd_create: {}", std::strerror(errno))};
  struct Closer {
    int fd;
    ~Closer() { ::close(fd); }
  } closer{fd};
  spec.stdout_fd = fd;

  std::map<std::string, std::vector<double>> samples;
  std::map<std::string, MetricSpec> specs;
  std::vector<std::string> order;
  auto add = [&](const MetricSpec& metric, double value) {
    if (!specs.count(metric.name)) {
      specs.emplace(metric.name, metric);
      order.push_back(metric.name);
    }
    samples[metric.name].push_back(value);
  };
  int results = 0;
  const bool go = params.text("output") == "go";
  for (int attempt = 0; attempt < run.repetitions && results < run.repetitions; ++attempt) {
    auto text = run_once(spec, fd);
    if (!text) return CaseError{text.error().message};
    if (go) {
      const auto lines = read_go_bench(*text);
      if (lines.empty()) {
        return CaseError{fmt::format("'{}' printed no Go benchmark result line; its output ends:\n{}",
                                     join(spec.argv, " "), valid_utf8(text->substr(text->size() > 2000 ? text->size() - 2000 : 0)))};
      }
      for (const auto& line : lines) {
        if (results == run.repetitions) break;
        ++results;
        for (const auto& [unit, value] : line.values) {
          add(go_metric(unit), value);
          if (unit == "ns/op" && value > 0) {
            for (const auto& s : metrics::runner_metrics()) {
              if (s.name == metrics::ops_per_s) add(s, 1e9 / value);
            }
          }
        }
      }
    } else {
      // GB JSON on stdout: the first benchmark it reports.
      std::string first;
      try {
        const auto json = nlohmann::json::parse(*text);
        first = json.at("benchmarks").at(0).at("name").get<std::string>();
      } catch (const nlohmann::json::exception& e) {
        return CaseError{fmt::format("'{}' printed no Google Benchmark JSON: {}", join(spec.argv, " "), e.what())};
      }
      auto measured = read_gbench_json(*text, first, {});
      if (auto* error = std::get_if<CaseError>(&measured)) return *error;
      auto& m = std::get<ExternalMeasurement>(measured);
      const std::size_t count = m.metrics.empty() ? 0 : m.metrics.front().samples.size();
      const std::size_t take = std::min<std::size_t>(count, static_cast<std::size_t>(run.repetitions - results));
      for (const auto& metric : m.metrics) {
        for (std::size_t i = 0; i < take && i < metric.samples.size(); ++i) add(metric.spec, metric.samples[i]);
      }
      results += static_cast<int>(take);
    }
  }
  ExternalMeasurement out;
  for (const auto& name : order) {
    if (samples[name].size() != static_cast<std::size_t>(results)) continue;
    out.metrics.push_back({specs[name], std::move(samples[name])});
  }
  out.details["argv"] = spec.argv;
  out.details["results"] = results;
  if (results < run.repetitions) {
    out.notes.push_back(fmt::format("the external variant printed {} results for {} repetitions", results,
                                    run.repetitions));
  }
  return out;
}

}  // namespace

Implementation external_command_variant() {
  return Implementation{
      .name = "external_command",
      .doc = "an external program printing Go benchmark lines or Google Benchmark JSON, at this family's "
             "parameters ({name} substituted)",
      .params =
          {
              {.name = "command", .type = ParamType::text, .default_value = std::string(kNone),
               .doc = "the program and its arguments (no shell); {param}, {repetitions}, {min_time} substituted"},
              {.name = "baseline_command", .type = ParamType::text, .default_value = std::string(kNone),
               .doc = "in a paired run (--baseline-dir): the base side's command, written like command (not "
                      "part of the case id)",
               .in_id = false},
              {.name = "cwd", .type = ParamType::text, .default_value = std::string("."),
               .doc = "working directory of the program"},
              {.name = "output", .type = ParamType::choice, .default_value = std::string("go"),
               .doc = "what it prints: go (benchmark lines) or gbench (JSON)", .choices = {"go", "gbench"}},
          },
      .case_unsupported = program_missing,
      .measure = measure,
  };
}

}  // namespace velo::external

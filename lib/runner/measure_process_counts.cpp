#include "runner/measure_process_counts.hpp"

#include <stdlib.h>

#include <algorithm>
#include <climits>
#include <cerrno>
#include <cstring>
#include <exception>
#include <filesystem>
#include <map>
#include <optional>
#include <set>

#include <fmt/format.h>

#include "core/count_metric.hpp"
#include "core/input_file.hpp"
#include "core/text.hpp"
#include "runner/callgrind_output.hpp"
#include "runner/measure_counts.hpp"
#include "runner/valgrind.hpp"
#include "stats/summary.hpp"

namespace velo {

namespace {

constexpr std::size_t kMaxDumpBytes = 64u << 20;
constexpr std::string_view kOutPrefix = "callgrind.out.";

report::CaseResult finish(report::CaseResult result, report::CaseStatus status, std::string reason) {
  result.status = status;
  result.reason = std::move(reason);
  result.metrics.clear();
  return result;
}

// The private directory of one case's dumps, removed with everything in it.
class DumpDirectory {
 public:
  DumpDirectory() {
    std::error_code ec;
    const auto tmp = std::filesystem::temp_directory_path(ec);
    path_ = (ec ? std::filesystem::path("/tmp") : tmp) / "velo-callgrind-XXXXXX";
    if (::mkdtemp(path_.data()) == nullptr) {
      error_ = fmt::format("cannot create a directory for callgrind's output ({}): {}", path_, std::strerror(errno));
      path_.clear();
    }
  }
  ~DumpDirectory() {
    if (path_.empty()) return;
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);  // best effort: a leftover is in /tmp
  }
  DumpDirectory(const DumpDirectory&) = delete;
  DumpDirectory& operator=(const DumpDirectory&) = delete;
  const std::string& path() const { return path_; }
  const std::string& error() const { return error_; }

 private:
  std::string path_, error_;
};

// A dump's place in the order callgrind wrote them: by process id, then by dump
// number; the process's final dump (no number) comes after its numbered ones.
struct DumpName {
  long pid = 0;
  long number = 0;  // 0: the final dump
  std::string file;
  bool operator<(const DumpName& other) const {
    if (pid != other.pid) return pid < other.pid;
    const long a = number == 0 ? LONG_MAX : number, b = other.number == 0 ? LONG_MAX : other.number;
    return a < b;
  }
};

std::optional<DumpName> dump_name(const std::string& file) {
  if (file.rfind(kOutPrefix, 0) != 0) return std::nullopt;
  const std::string rest = file.substr(kOutPrefix.size());
  char* end = nullptr;
  DumpName name{.file = file};
  name.pid = std::strtol(rest.c_str(), &end, 10);
  if (end == rest.c_str()) return std::nullopt;
  if (*end == '.') {
    const char* number = end + 1;
    name.number = std::strtol(number, &end, 10);
    if (end == number || name.number <= 0) return std::nullopt;
  }
  if (*end != '\0') return std::nullopt;
  return name;
}

std::string trigger_of(const CallgrindDump& dump) {
  for (const auto& line : dump.descriptions) {
    if (line.rfind("Trigger:", 0) != 0) continue;
    const auto start = line.find_first_not_of(' ', 8);
    return start == std::string::npos ? std::string() : line.substr(start);
  }
  return "";
}

}  // namespace

report::CaseResult measure_process_counts(report::CaseResult result, const ProcessCount& count) {
  const MeasureSettings& settings = result.spec.settings.measure;
  const int repetitions = result.spec.settings.repetitions;
  const auto valgrind = find_valgrind();
  if (!valgrind) {
    return finish(std::move(result), report::CaseStatus::failed,
                  "--measure instructions needs Valgrind, and none was found in PATH");
  }
  DumpDirectory directory;
  if (!directory.error().empty()) return finish(std::move(result), report::CaseStatus::failed, directory.error());

  // The worker's options, except that an external program is instrumented from its
  // start: it has no client request to switch instrumentation on.
  std::vector<std::string> options;
  for (auto& option : callgrind_options(settings)) {
    if (option != "--instr-atstart=no") options.push_back(std::move(option));
  }
  ProcessCounting counting;
  counting.valgrind.push_back(*valgrind);
  counting.valgrind.insert(counting.valgrind.end(), options.begin(), options.end());
  counting.valgrind.push_back(fmt::format("--callgrind-out-file={}/{}%p", directory.path(), kOutPrefix));
  counting.repetitions = repetitions;
  counting.ops = settings.ops;
  counting.threaded = settings.threaded;
  CallgrindDump first;  // for the report: Valgrind's version and the simulated caches
  counting.collect = [&]() -> Expected<std::vector<CallgrindEvents>> {
    std::vector<DumpName> names;
    std::error_code ec;
    for (auto it = std::filesystem::directory_iterator(directory.path(), ec);
         !ec && it != std::filesystem::directory_iterator(); it.increment(ec)) {
      if (auto name = dump_name(it->path().filename().string())) names.push_back(std::move(*name));
    }
    if (ec) return make_error(fmt::format("cannot list {}: {}", directory.path(), ec.message()));
    std::sort(names.begin(), names.end());
    std::vector<CallgrindEvents> out;
    for (const auto& name : names) {
      const std::string path = directory.path() + "/" + name.file;
      auto text = read_input_file(path, "callgrind output", kMaxDumpBytes);
      if (!text.ok()) return text.error();
      std::filesystem::remove(path, ec);
      auto dump = parse_callgrind_dump(*text, path);
      if (!dump.ok()) return dump.error();
      if (first.creator.empty()) first = *dump;
      CallgrindEvents events{.trigger = trigger_of(*dump)};
      for (std::size_t i = 0; i < dump->events.size() && i < dump->totals.size(); ++i) {
        events.totals.emplace_back(dump->events[i], dump->totals[i]);
      }
      out.push_back(std::move(events));
    }
    return out;
  };

  std::variant<CountedMeasurement, CaseError> counted;
  try {
    counted = count(result.spec.params, counting);
  } catch (const std::exception& e) {
    return finish(std::move(result), report::CaseStatus::failed, fmt::format("counting threw: {}", e.what()));
  }
  if (auto* error = std::get_if<CaseError>(&counted)) {
    return finish(std::move(result), error->skip ? report::CaseStatus::skipped : report::CaseStatus::failed,
                  error->reason);
  }
  auto& measured = std::get<CountedMeasurement>(counted);
  if (measured.repetitions.size() != static_cast<std::size_t>(repetitions)) {
    return finish(std::move(result), report::CaseStatus::failed,
                  fmt::format("internal error: {}/{} counted {} repetitions, not {}", result.spec.family,
                              result.spec.impl,
                              measured.repetitions.size(), repetitions));
  }

  std::vector<std::string> order;
  std::map<std::string, std::vector<double>> samples;
  std::vector<std::int64_t> iterations;
  for (const auto& repetition : measured.repetitions) {
    CallgrindDump dump;
    for (const auto& [name, total] : repetition.totals) {
      dump.events.push_back(name);
      dump.totals.push_back(total);
    }
    auto counts = counts_per_op(dump, repetition.ops);
    if (!counts.ok()) return finish(std::move(result), report::CaseStatus::failed, counts.error().describe());
    for (const auto& count : *counts) {
      auto& list = samples[std::string(count.metric)];
      if (list.empty()) order.push_back(std::string(count.metric));
      list.push_back(count.value);
    }
    iterations.push_back(repetition.ops);
  }
  for (auto& metric : count_metrics(order, samples, repetitions)) result.metrics.push_back(std::move(metric));
  if (result.metrics.empty()) return finish(std::move(result), report::CaseStatus::failed, "no count was measured");

  result.details = std::move(measured.details);
  result.details["measure"] = std::string(to_string(settings.mode));
  result.details["iterations"] = iterations;
  std::vector<std::string> simulated;
  for (const auto& line : first.descriptions) {
    if (line.find(" cache:") != std::string::npos) simulated.push_back(line);
  }
  result.details["valgrind"] = {{"version", first.valgrind_version()},
                                {"creator", first.creator},
                                {"options", join(std::vector<std::string>(counting.valgrind.begin() + 1,
                                                                          counting.valgrind.end() - 1),
                                                 " ")},
                                {"simulated", simulated}};
  if (!measured.notes.empty()) {
    std::set<std::string> notes(measured.notes.begin(), measured.notes.end());
    result.details["notes"] = std::vector<std::string>(notes.begin(), notes.end());
  }
  result.status = report::CaseStatus::ok;
  return result;
}

}  // namespace velo

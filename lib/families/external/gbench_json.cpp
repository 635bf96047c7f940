#include "families/external/gbench_json.hpp"

#include <algorithm>
#include <map>
#include <set>

#include <fmt/format.h>

#include "core/metric.hpp"

namespace velo::external {

std::vector<std::string> read_gbench_list(std::string_view text) {
  std::vector<std::string> names;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(start, end - start);
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.remove_suffix(1);
    if (!line.empty()) names.emplace_back(line);
    start = end + 1;
  }
  return names;
}

std::string anchored_filter(std::string_view name) {
  std::string out = "^";
  for (char c : name) {
    if (std::string_view(".[]{}()\\*+?^$|").find(c) != std::string_view::npos) out += '\\';
    out += c;
  }
  return out + "$";
}

namespace {

// The keys GB writes for every run; any other number is a counter.
const std::set<std::string, std::less<>>& known_keys() {
  static const std::set<std::string, std::less<>> keys = {
      "name", "family_index", "per_family_instance_index", "run_name", "run_type", "repetitions",
      "repetition_index", "threads", "aggregate_name", "aggregate_unit", "error_occurred", "error_message",
      "skipped", "skip_message", "iterations", "real_time", "cpu_time", "time_unit", "cpu_coefficient",
      "real_coefficient", "big_o", "rms", "allocs_per_iter", "max_bytes_used", "total_allocated_bytes",
      "net_heap_growth", "label"};
  return keys;
}

std::optional<double> ns_per_unit(std::string_view unit) {
  if (unit == "ns") return 1.0;
  if (unit == "us") return 1e3;
  if (unit == "ms") return 1e6;
  if (unit == "s") return 1e9;
  return std::nullopt;
}

MetricSpec runner_spec(std::string_view name) {
  for (const auto& spec : metrics::runner_metrics()) {
    if (spec.name == name) return spec;
  }
  return MetricSpec{.name = std::string(name)};
}

MetricSpec counter_spec(const std::string& name, const std::vector<std::string>& higher_is_better) {
  if (name == "items_per_second") {
    return {.name = name, .unit = "items/s", .better = Better::higher, .doc = "Google Benchmark's items processed per second"};
  }
  if (name == "bytes_per_second") {
    return {.name = name, .unit = "B/s", .better = Better::higher, .doc = "Google Benchmark's bytes processed per second"};
  }
  const bool higher = std::find(higher_is_better.begin(), higher_is_better.end(), name) != higher_is_better.end();
  return {.name = name, .unit = "", .better = higher ? Better::higher : Better::lower,
          .doc = "a user counter of the benchmark"};
}

}  // namespace

std::variant<ExternalMeasurement, CaseError> read_gbench_json(std::string_view text, const std::string& benchmark,
                                                              const std::vector<std::string>& higher_is_better) {
  nlohmann::json root;
  try {
    root = nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception& e) {
    return CaseError{fmt::format("the benchmark's JSON output cannot be read: {}", e.what())};
  }
  if (!root.is_object() || !root.contains("benchmarks") || !root["benchmarks"].is_array()) {
    return CaseError{"the benchmark's JSON output has no \"benchmarks\" list"};
  }
  std::vector<const nlohmann::json*> runs;
  for (const auto& run : root["benchmarks"]) {
    if (!run.is_object()) continue;
    const std::string name = run.value("name", std::string());
    const std::string run_name = run.value("run_name", name);
    if (name != benchmark && run_name != benchmark) continue;
    if (run.value("error_occurred", false)) {
      return CaseError{fmt::format("the benchmark reported an error: {}", run.value("error_message", std::string("(no message)")))};
    }
    if (run.contains("skipped") && run["skipped"].is_boolean() && run["skipped"].get<bool>()) {
      return CaseError{fmt::format("the benchmark skipped itself: {}", run.value("skip_message", std::string("(no message)"))), true};
    }
    // Aggregates (mean, median, ...) are GB's statistics; velo keeps repetitions.
    if (run.value("run_type", std::string("iteration")) != "iteration") continue;
    runs.push_back(&run);
  }
  if (runs.empty()) return CaseError{fmt::format("the benchmark binary reported no run of '{}'", benchmark)};

  std::map<std::string, std::vector<double>> samples;
  std::map<std::string, MetricSpec> specs;
  std::vector<std::string> order;  // metrics in first-seen order
  auto add = [&](const MetricSpec& spec, double value) {
    if (!specs.count(spec.name)) {
      specs.emplace(spec.name, spec);
      order.push_back(spec.name);
    }
    samples[spec.name].push_back(value);
  };
  std::vector<std::int64_t> iterations;
  for (const nlohmann::json* run : runs) {
    const auto factor = ns_per_unit(run->value("time_unit", std::string("ns")));
    auto number = [&](const char* key) { return run->contains(key) && run->at(key).is_number(); };
    if (!factor || !number("real_time") || !number("cpu_time")) {
      return CaseError{"the benchmark's JSON output has a run without real_time, cpu_time or a known time_unit"};
    }
    const double real_ns = run->at("real_time").get<double>() * *factor;
    add(runner_spec(metrics::ns_per_op), real_ns);
    if (real_ns > 0) add(runner_spec(metrics::ops_per_s), 1e9 / real_ns);
    add(runner_spec(metrics::cpu_ns_per_op), run->at("cpu_time").get<double>() * *factor);
    if (number("allocs_per_iter")) add(runner_spec(metrics::allocs_per_op), run->at("allocs_per_iter").get<double>());
    iterations.push_back(run->value("iterations", std::int64_t{0}));
    for (const auto& [key, value] : run->items()) {
      if (known_keys().count(key) || !value.is_number()) continue;
      add(counter_spec(key, higher_is_better), value.get<double>());
    }
  }
  ExternalMeasurement out;
  for (const auto& name : order) {
    // A metric missing from some repetition is dropped, never reported from a subset.
    if (samples[name].size() != runs.size()) continue;
    out.metrics.push_back({specs[name], std::move(samples[name])});
  }
  out.details["benchmark"] = benchmark;
  out.details["iterations"] = iterations;
  if (root.contains("context") && root["context"].is_object()) {
    const auto& context = root["context"];
    if (context.contains("library_version")) out.details["gbench_version"] = context["library_version"];
    if (context.contains("library_build_type")) out.details["gbench_build_type"] = context["library_build_type"];
  }
  const bool custom = std::any_of(out.metrics.begin(), out.metrics.end(), [&](const ExternalMetric& m) {
    return m.spec.doc == "a user counter of the benchmark" &&
           std::find(higher_is_better.begin(), higher_is_better.end(), m.spec.name) == higher_is_better.end();
  });
  if (custom) {
    out.notes.push_back("Google Benchmark's JSON does not say which way a user counter is better: they are taken "
                        "as lower-is-better unless named in higher_is_better");
  }
  return out;
}

}  // namespace velo::external

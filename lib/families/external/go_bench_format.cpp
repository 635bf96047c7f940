#include "families/external/go_bench_format.hpp"

#include <charconv>
#include <cstdlib>


namespace velo::external {

namespace {

std::vector<std::string_view> fields(std::string_view line) {
  std::vector<std::string_view> out;
  std::size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t' || line[i] == '\r')) ++i;
    std::size_t j = i;
    while (j < line.size() && line[j] != ' ' && line[j] != '\t' && line[j] != '\r') ++j;
    if (j > i) out.push_back(line.substr(i, j - i));
    i = j;
  }
  return out;
}

bool parse_double(std::string_view text, double& out) {
  const std::string copy(text);  // strtod: from_chars for double is not in every libstdc++ we build with
  char* end = nullptr;
  out = std::strtod(copy.c_str(), &end);
  return !copy.empty() && end == copy.c_str() + copy.size();
}

}  // namespace

std::vector<GoBenchLine> read_go_bench(std::string_view text) {
  std::vector<GoBenchLine> lines;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    const auto f = fields(text.substr(start, end - start));
    start = end + 1;
    // A result: "Benchmark..." name, iterations, and complete value-unit pairs.
    if (f.size() < 4 || f[0].substr(0, 9) != "Benchmark" || (f.size() - 2) % 2 != 0) continue;
    GoBenchLine line;
    auto [ptr, ec] = std::from_chars(f[1].data(), f[1].data() + f[1].size(), line.iterations);
    if (ec != std::errc{} || ptr != f[1].data() + f[1].size() || line.iterations <= 0) continue;
    bool ok = true;
    for (std::size_t i = 2; i + 1 < f.size(); i += 2) {
      double value = 0;
      if (!parse_double(f[i], value)) {
        ok = false;
        break;
      }
      line.values.emplace_back(std::string(f[i + 1]), value);
    }
    if (!ok) continue;
    std::string_view name = f[0];
    if (const auto dash = name.rfind('-'); dash != std::string_view::npos && dash + 1 < name.size()) {
      int procs = 0;
      auto [p, e] = std::from_chars(name.data() + dash + 1, name.data() + name.size(), procs);
      if (e == std::errc{} && p == name.data() + name.size() && procs > 0) {
        line.procs = procs;
        name = name.substr(0, dash);
      }
    }
    line.name = std::string(name);
    lines.push_back(std::move(line));
  }
  return lines;
}

MetricSpec go_metric(std::string_view unit) {
  for (const auto& spec : metrics::runner_metrics()) {
    if ((unit == "ns/op" && spec.name == metrics::ns_per_op) ||
        (unit == "B/op" && spec.name == metrics::bytes_per_op) ||
        (unit == "allocs/op" && spec.name == metrics::allocs_per_op)) {
      return spec;
    }
  }
  std::string name;
  for (std::size_t i = 0; i < unit.size(); ++i) {
    const char c = unit[i];
    if (c == '/') name += "_per_";
    else if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_') name += c;
    else name += '_';
  }
  const bool per_second = unit.size() >= 2 && unit.substr(unit.size() - 2) == "/s";
  return {.name = name, .unit = std::string(unit), .better = per_second ? Better::higher : Better::lower,
          .doc = "a metric the Go benchmark reported"};
}

}  // namespace velo::external

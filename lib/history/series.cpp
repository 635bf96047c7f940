#include "history/series.hpp"

#include <fmt/format.h>

namespace velo::history {

std::string machine_key(const Environment& env) {
  return fmt::format("{} | {} | {} cpus | {}", env.hostname, env.cpu_model, env.logical_cpus, env.arch);
}

std::string build_key(const Environment& env) {
  return fmt::format("{} | {} | {}", env.compiler, env.compiler_flags, env.build_type);
}

std::string commit_of(const report::Report& report) {
  if (report.provenance.git_commit && !report.provenance.git_commit->empty()) return *report.provenance.git_commit;
  return report.provenance.velo_commit;
}

std::vector<double> Series::values() const {
  std::vector<double> out;
  out.reserve(points.size());
  for (const auto& p : points) out.push_back(p.median);
  return out;
}

}  // namespace velo::history

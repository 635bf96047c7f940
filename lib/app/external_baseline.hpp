// Paired base/head runs of external benchmarks: `velo run --baseline-binary
// [HEAD=]BASE` and `--baseline-dir DIR` (docs/external.md, "Paired base/head runs").
//
// This velo measures both sides, fork by fork, back to back, as it does for
// --baseline-plugin: the head side is each case as the scenarios expand it, the base
// side the same case (same id) with the family's base parameters
// (families/external/baseline.hpp: the base binary, the package or command in the
// base checkout). The plan is made before anything runs: bad paths and base builds that
// cannot list their benchmarks are errors (exit 2); a head case the base build lacks
// is measured on the head side only, its base side reported skipped with the reason;
// benchmarks only the base build has are named in a note of both reports.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "families/family.hpp"
#include "scenario/case.hpp"

namespace velo::app {

struct ExternalBaselineOptions {
  std::vector<std::string> binaries;  // --baseline-binary, each BASE or HEAD=BASE
  std::string dir;                    // --baseline-dir; "" = not given
  bool given() const { return !binaries.empty() || !dir.empty(); }
};

class ExternalPairing {
 public:
  // `cases`: every case the scenarios expand to (before --filter and --shard), so a
  // benchmark filtered out is not mistaken for one only the base build has.
  static Expected<ExternalPairing> plan(const Registry& registry, const std::vector<Case>& cases,
                                        const ExternalBaselineOptions& options);

  // The base side of each of `selected` (a subset of the planned cases), in order;
  // an error when none of them has a base build. Notes the cases without one.
  Expected<std::vector<Case>> base_cases(const std::vector<Case>& selected);
  // Said in both reports and on stderr: base-only benchmarks, cases without a base.
  const std::vector<std::string>& notes() const { return notes_; }
  // Said in both reports: which options gave the base build.
  const std::string& description() const { return description_; }

 private:
  std::map<std::string, Case> base_by_id_;
  std::vector<std::string> notes_;
  std::string options_dir_;
  std::string description_;
};

}  // namespace velo::app

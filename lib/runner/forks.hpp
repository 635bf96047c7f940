// Spreading a case's repetitions over several worker processes ("forks", as JMH
// calls them), measured in rounds across all cases: round 1 runs fork 1 of every
// case, round 2 fork 2, and so on.
//
// Why: repetitions measured in one process share that process's luck (where the
// scheduler put its threads, how its memory was laid out, which neighbour was busy
// during those seconds), so they agree with each other while the next process lands
// somewhere else. A test over such samples mistakes one process's luck for a real
// difference. Forks put that variation between the samples, where the statistics
// see it; rounds spread a burst of interference over many cases instead of every
// sample of one. This is the "repeat at the level that varies most" advice of
// Kalibera and Jones, "Rigorous Benchmarking in Reasonable Time" (ISMM 2013).
#pragma once

#include "report/report.hpp"
#include "scenario/case.hpp"

namespace velo {

// How many of the case's repetitions fork `fork` (0-based) measures: an even split,
// the first forks taking one more when it does not divide.
int fork_repetitions(const RunSettings& settings, int fork);

// The case as fork `fork` measures it: the same case with that fork's share of
// the repetitions.
Case fork_spec(const Case& spec, int fork);

// One case's result, built up fork by fork.
class ForkedResult {
 public:
  explicit ForkedResult(Case spec) : spec_(std::move(spec)) {}

  // Adds the next fork's result. Samples are appended in fork order and the
  // summaries recomputed; a metric some fork lacks is dropped, as the runner drops
  // one missing from some repetition. A fork that did not end ok ends the case:
  // the result becomes that failure and earlier samples are dropped, since a case
  // that fails in some processes has not been measured.
  void add(report::CaseResult fork);

  int forks_done() const { return forks_done_; }
  const Case& spec() const { return spec_; }
  bool ended() const { return forks_done_ > 0 && result_.status != report::CaseStatus::ok; }
  const report::CaseResult& result() const { return result_; }
  report::CaseResult take() { return std::move(result_); }

 private:
  Case spec_;
  report::CaseResult result_;
  int forks_done_ = 0;
};

}  // namespace velo

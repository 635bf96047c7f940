// Comparing two reports case by case, metric by metric: the core of `velo compare`
// and `velo gate`. Pure: reports in, a Comparison out; rendering lives in export/.
//
// For each case present in both reports and each metric present in both, the
// medians are compared with a two-sided Mann-Whitney U test over the repetition
// samples. When the two reports come from one paired run (Report::pairing: fork k
// of BASE and of HEAD measured back to back), the test is instead the Wilcoxon
// signed-rank test over the forks' paired log ratios, log(head/base) of each fork's
// median: whatever moved both sides of a pair (a busy neighbour, a slow minute)
// cancels, and only the builds' difference and each process's own luck remain. That
// test is used only where its smallest possible p (2 / 2^forks) can get through the
// correction below; elsewhere the U test stands, with a warning naming the forks needed.
// p-values are corrected across the cases of each metric (Holm by default)
// so that a comparison of 100 cases does not flag five of them on noise alone. A
// difference is reported only if it is significant after correction AND larger than
// the noise floor (min_change); otherwise the verdict is `same` ("~").
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/pattern.hpp"
#include "report/report.hpp"
#include "stats/multiple_testing.hpp"

namespace velo::report {

enum class Verdict { same, better, worse };
std::string_view to_string(Verdict verdict);

struct CompareOptions {
  double alpha = 0.05;
  double min_change = 0.01;  // fraction: changes smaller than 1% are noise by definition
  stats::Correction correction = stats::Correction::holm;
  std::optional<Pattern> filter;      // on case ids
  std::vector<std::string> metrics;   // empty: every metric both reports have
  bool use_pairing = true;            // test a paired run's reports fork by fork (is_pair)
  bool allow_missing = false;         // --allow-missing: accept matching fewer than kMinMatchedShare of BASE
  // A count metric (core/count_metric.hpp) whose samples are identical across the
  // repetitions of each report has no sampling noise to test: its verdict is its
  // relative change against this threshold (Test::exact_count). 0.005 = 0.5%.
  double count_threshold = 0.005;
};

// The share of BASE's cases (after the filter) HEAD must also have for the reports to
// be compared, unless CompareOptions::allow_missing: a HEAD that lost most of its
// cases (a renamed family, a filtered run) would otherwise pass a gate on what is left.
inline constexpr double kMinMatchedShare = 0.5;

// Refuses (an Error, exit 2) two reports that cannot be compared honestly: no case in
// common; fewer than kMinMatchedShare of BASE's cases matched (unless allow_missing);
// a metric whose unit or better-direction differs between them (velo never converts).
Status check_comparable(const Report& base, const Report& head, const CompareOptions& options);

enum class Test {
  mann_whitney,  // the two reports' samples, unpaired
  signed_rank,   // paired forks of one paired run
  exact_count,   // identical counts on each side: the relative change against count_threshold, no test
  // Counts that differ between repetitions but repeat run after run, repetition by
  // repetition: sample i of BASE against sample i of HEAD, every pair within
  // count_threshold or every pair beyond it in one direction; no test.
  exact_by_repetition,
};
std::string_view to_string(Test test);
// Either exact test: judged by the relative change against a threshold, with no p-value.
bool is_exact(Test test);

struct MetricComparison {
  MetricSpec spec;
  stats::Summary base;
  stats::Summary head;
  double delta = 0;          // (head - base) / base, of the medians; +0.05 = 5% larger
  Test test = Test::mann_whitney;
  int pairs = 0;             // signed_rank: the forks paired; exact_by_repetition: the repetitions paired
  double p_value = 1;        // two-sided
  double p_adjusted = 1;     // after the correction across cases
  double smallest_p = 0;     // the smallest p these sample sizes can produce
  double flaggable_p = 0;    // the largest raw p the correction still flags when this case changes alone
  bool exact = false;        // exact or normal-approximation p-value
  bool unstable = false;     // CV above stats::kUnstableCv in either report
  Verdict verdict = Verdict::same;

  // True if no data of these sample sizes could be flagged: the smallest possible p
  // does not get through alpha after the correction across cases.
  bool underpowered() const { return smallest_p >= flaggable_p; }
};

enum class Presence { both, added, removed };

struct CaseComparison {
  std::string id;
  std::string family;
  std::string scenario;
  Presence presence = Presence::both;
  CaseStatus base_status = CaseStatus::ok;
  CaseStatus head_status = CaseStatus::ok;
  std::string head_reason;  // why HEAD's case is not ok
  std::vector<MetricComparison> metrics;
  bool threads_apart = false;   // in either report (CaseResult::threads_apart)
  bool forks_disagree = false;  // in either report (CaseResult::forks_disagree)

  // Was ok in BASE, failed or timed out in HEAD.
  bool broke() const {
    return presence == Presence::both && base_status == CaseStatus::ok &&
           (head_status == CaseStatus::failed || head_status == CaseStatus::timeout);
  }
  const MetricComparison* find_metric(std::string_view name) const;
};

// Geometric mean of head/base median ratios over the matched cases of one metric.
struct GeometricMean {
  std::string metric;
  std::string unit;
  Better better = Better::lower;
  double ratio = 1;   // head / base
  int cases = 0;
};

struct Comparison {
  CompareOptions options;
  bool paired = false;  // the reports are the two halves of one paired run
  std::vector<CaseComparison> cases;  // BASE order, then cases only in HEAD
  std::vector<GeometricMean> geomeans;
  std::vector<std::string> warnings;  // what differs between the two runs' environments
};

Comparison compare_reports(const Report& base, const Report& head, const CompareOptions& options);

// True when `base` and `head` are the two reports of one paired run.
bool is_pair(const Report& base, const Report& head);

// One value per fork: the median of each fork's share of `metric`'s samples, split by
// the case's details.fork_repetitions (one fork when absent). Empty when the shares
// do not add up to the samples.
std::vector<double> fork_medians(const CaseResult& result, const MetricResult& metric);

// (head - base) / |base|; +/-infinity when base is 0 and head is not.
double relative_change(double base, double head);

// The judgement of one metric change, given the test result and thresholds; used by
// compare (with min_change) and by the gate (with its regression threshold).
Verdict judge(double delta, double p_adjusted, Better better, double alpha, double min_change);

// True when `base` and `head` hold a count metric (core/count_metric.hpp) whose
// samples are all equal within each report: compared exactly (Test::exact_count).
bool exact_counts(const MetricResult& base, const MetricResult& head);
// Sets test, p-values and verdict of an exact-count comparison: the verdict is the
// relative change against `threshold`, in the metric's better direction.
void judge_exact_count(MetricComparison& mc, double threshold);

// The relative change of a count metric repetition by repetition, (head[i] - base[i])
// / |base[i]|, when the two cases' samples can be paired by repetition index: a
// callgrind count (core/count_metric.hpp) of cases measured with `--measure
// instructions` and the same measurement settings, not `threaded`, with the same
// samples per fork in the same order (details.fork_repetitions). Empty otherwise,
// e.g. when the repetition counts or forks differ. Counted this way, a case repeats
// its sequence of samples exactly from run to run even where its samples differ
// from each other (state carried from one repetition to the next: docs/deterministic.md).
std::vector<double> repetition_changes(const CaseResult& base, const MetricResult& base_metric,
                                       const CaseResult& head, const MetricResult& head_metric);
// True when every change is within `threshold` (|change| <= threshold), or every
// change is beyond it in the same direction: the pairs agree, and the comparison is
// exact (Test::exact_by_repetition). Mixed pairs, or none, are false: tested instead.
bool repetitions_agree(const std::vector<double>& changes, double threshold);

// Sentences naming what differs between the reports' machines, compilers, build
// settings and scenario contents, and whether either run was interrupted (empty when
// they match).
std::vector<std::string> environment_differences(const Report& base, const Report& head);
// Sentences naming how the two runs differ in ways that can bias the comparison:
// the same side of a paired run twice, different velo versions, one profiled and one
// not, different repetition counts of a matched case.
std::vector<std::string> run_differences(const Report& base, const Report& head);

}  // namespace velo::report

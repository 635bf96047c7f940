// Whether a case's worker processes (forks) disagree beyond their own noise.
//
// The same case can settle at a different level in each process (thread placement,
// memory layout: velo has seen 1.0 ns in one process and 3.3 ns in the next). Each
// fork's median is taken; their range is compared with the noise inside the forks,
// the pooled median absolute deviation (each sample's distance from its own fork's
// median, the median over all samples). The forks disagree when
//     max fork median - min fork median > kForkDisagreementMads * pooled MAD
// and the range is also at least kForkDisagreementFloor of the overall median (so a
// case measured to a few parts per million is not flagged for a 0.1% shift).
// Without two samples in every fork the within-fork noise is unknown and nothing is
// flagged. With 2 samples per fork the MAD is half their difference; the median of
// F forks' medians with such noise ranges well under 5 MADs, so a flag means the
// processes really settled apart.
#pragma once

#include <span>
#include <vector>

namespace velo::stats {

struct ForkSpread {
  std::vector<double> medians;  // one per fork, in fork order
  double min_median = 0;
  double max_median = 0;
  double pooled_mad = 0;
  bool assessable = false;  // at least two forks, each with at least two samples
  bool disagree = false;
};

inline constexpr double kForkDisagreementMads = 5.0;
inline constexpr double kForkDisagreementFloor = 0.01;

// `samples` in fork order, `per_fork[k]` of them from fork k (the counts sum to
// samples.size(); a mismatch yields an empty, unassessable spread).
ForkSpread fork_spread(std::span<const double> samples, std::span<const int> per_fork);

}  // namespace velo::stats

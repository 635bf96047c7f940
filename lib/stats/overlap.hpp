// How much of a multi-thread round its threads spent running together.
//
// A round whose members start at s_i and end at e_i overlapped for
// (min e - max s) / (max e - min s): the share of the round, from the first start
// to the last end, during which every member was running. 1 means all ran the whole
// time together; 0 means some member finished before another started (the round
// was, at least in part, run one thread after another), whatever its duration.
#pragma once

#include <cstdint>
#include <optional>
#include <span>

namespace velo::stats {

struct Span {
  std::int64_t start = 0;
  std::int64_t end = 0;
};

// A round's overlap as {overlapped, whole}: time all members ran together (clamped
// at 0) and time from the first start to the last end, in the spans' unit.
struct Overlap {
  std::int64_t overlapped = 0;
  std::int64_t whole = 0;
};
Overlap round_overlap(std::span<const Span> members);

// The overlap of several rounds (a repetition), weighted by their length: the sum
// of overlapped time over the sum of round time, in percent. A round of zero length
// counts as fully overlapped; nullopt when no round was added.
class OverlapTally {
 public:
  void add(std::span<const Span> members);
  std::optional<double> percent() const;

 private:
  std::int64_t overlapped_ = 0;
  std::int64_t whole_ = 0;
  int rounds_ = 0;
};

// Cases whose median overlap_pct is below this are flagged: their threads did not
// run together for most of the measured time, so a "threads=N" figure may describe
// fewer threads at once.
inline constexpr double kMinOverlapPct = 90.0;

}  // namespace velo::stats

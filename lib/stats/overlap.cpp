#include "stats/overlap.hpp"

#include <algorithm>

namespace velo::stats {

Overlap round_overlap(std::span<const Span> members) {
  if (members.empty()) return {};
  std::int64_t first_start = members[0].start, last_start = members[0].start;
  std::int64_t first_end = members[0].end, last_end = members[0].end;
  for (const Span& m : members) {
    first_start = std::min(first_start, m.start);
    last_start = std::max(last_start, m.start);
    first_end = std::min(first_end, m.end);
    last_end = std::max(last_end, m.end);
  }
  return {std::max<std::int64_t>(0, first_end - last_start), std::max<std::int64_t>(0, last_end - first_start)};
}

void OverlapTally::add(std::span<const Span> members) {
  const Overlap o = round_overlap(members);
  ++rounds_;
  if (o.whole == 0) return;  // nothing to weigh; counts as overlapped through the ratio of the others
  overlapped_ += o.overlapped;
  whole_ += o.whole;
}

std::optional<double> OverlapTally::percent() const {
  if (rounds_ == 0) return std::nullopt;
  if (whole_ == 0) return 100.0;
  return 100.0 * static_cast<double>(overlapped_) / static_cast<double>(whole_);
}

}  // namespace velo::stats

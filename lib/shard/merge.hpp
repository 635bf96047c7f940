// `velo merge`: the shard reports of one suite (shard.hpp) back into one report.
//
// Refused unless `force`: shards measured on different machines or with different
// builds (history/series.hpp's machine and build keys, plus the velo and git
// commits), or from different scenario files (content hashes). Always refused: a
// case in two shards, a paired report (velo run --baseline-velo), and, when the
// shards carry their "shard" setting, a set of shards that is not exactly 1..N of
// one split or whose cases do not add up to the suite's total.
#pragma once

#include <string>
#include <vector>

#include "core/result.hpp"
#include "report/report.hpp"

namespace velo::shard {

struct NamedReport {
  std::string path;  // for messages
  report::Report report;
};

Expected<report::Report> merge(const std::vector<NamedReport>& shards, bool force);

}  // namespace velo::shard

// The folded files of a profiled run, written by the parent (the worker only
// returns stacks in its one-case report): one file per case and one merged file
// for the whole run, with each case's id as the root frame of its stacks, so one
// flame graph shows every case side by side.
//
//   DIR/<case id, unsafe characters replaced by '_'>.folded
//   DIR/merged.folded
//
// The report keeps each case's sampling statistics and the path of its file
// (details.profile.folded_file), never the stacks themselves.
#pragma once

#include <set>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "profiler/folded.hpp"
#include "report/report.hpp"

namespace velo {

class ProfileFiles {
 public:
  explicit ProfileFiles(std::string dir) : dir_(std::move(dir)) {}

  // For a result whose details carry a profile: writes its stacks to
  // DIR/<case>.folded, replaces them in the details by "folded_file" and adds them
  // to the merged profile. Other results are left alone.
  Status take(report::CaseResult& result);
  // Writes DIR/merged.folded when at least one case was profiled.
  Status write_merged();

  int cases() const { return static_cast<int>(files_.size()); }
  const std::string& dir() const { return dir_; }
  // Caveats for the report: sampling rates below the requested one, lost samples.
  std::vector<std::string> notes() const;

 private:
  std::string dir_;
  std::set<std::string> files_;  // written this run (names are made unique)
  profiler::FoldedStacks merged_;
  int slow_cases_ = 0;                // effective rate below the requested one
  double lowest_rate_ratio_ = 1;      // effective / requested, lowest over cases
  std::string lowest_rate_text_;
  int lossy_cases_ = 0;
  std::uint64_t lost_buffer_full_ = 0, lost_unwind_ = 0, samples_ = 0;
  int empty_cases_ = 0;
};

// "counters/atomic/threads=2" -> "counters_atomic_threads=2": letters, digits and
// ".,=+-" are kept, everything else becomes '_'; long ids are cut and suffixed
// with a hash of the whole id, so names stay unique and under the 255-byte limit.
std::string profile_file_stem(std::string_view case_id);

}  // namespace velo

// Folded stacks: the text format flamegraph.pl, inferno and speedscope read, and
// the one form every velo profile passes through (sampler -> folded -> SVG,
// speedscope, pprof). docs/folded-format.md is the specification.
//
//   root;caller;leaf COUNT
//
// One line per distinct stack, frames root first, a positive integer count after
// the last space. Invariants kept by this type: no frame is empty or contains ';'
// or a line break, every count is >= 1, and each stack appears once (adding an
// existing stack sums the counts), so write() is canonical: sorted, merged.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"

namespace velo::profiler {

// A root frame of this form names the thread the samples below it came from;
// exporters that keep threads apart (speedscope, pprof labels) read it.
inline constexpr std::string_view kThreadFramePrefix = "[thread:";

class FoldedStacks {
 public:
  // Adds `count` samples of `frames` (root first). Frames are cleaned with
  // clean_frame(), so any text is accepted.
  void add(const std::vector<std::string>& frames, std::uint64_t count);
  // Adds every stack of `other` (counts of equal stacks are summed).
  void merge(const FoldedStacks& other);

  // Sorted lines "a;b;c N\n".
  std::string write() const;
  // Errors carry `file_name` and the 1-based line, and say what was expected.
  static Expected<FoldedStacks> parse(std::string_view text, std::string_view file_name = "");
  // parse() of a file read with read_input_file (a regular file of at most kMaxDataFileBytes).
  static Expected<FoldedStacks> read_file(const std::string& path);

  std::uint64_t total() const { return total_; }
  bool empty() const { return stacks_.empty(); }
  std::size_t size() const { return stacks_.size(); }

  // Stacks as joined text ("a;b;c") -> count, in sorted order.
  const std::map<std::string, std::uint64_t>& stacks() const { return stacks_; }

  bool operator==(const FoldedStacks&) const = default;

 private:
  std::map<std::string, std::uint64_t> stacks_;
  std::uint64_t total_ = 0;
};

// Splits a joined stack ("a;b;c") into frames.
std::vector<std::string_view> split_frames(std::string_view stack);

// Makes `name` a valid frame: bytes that are not valid UTF-8 become U+FFFD, ';'
// becomes ':', line breaks and tabs become spaces, an empty name becomes "[unknown]".
std::string clean_frame(std::string_view name);

// "[thread:NAME]" for a thread root frame; thread_of() returns NAME, or empty when
// `frame` is not a thread frame.
std::string thread_frame(std::string_view thread_name);
std::string_view thread_of(std::string_view frame);

}  // namespace velo::profiler

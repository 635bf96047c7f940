// The one way velo reads an input file (scenario, report, gate file, folded stacks).
//
// Only a regular file is read: a FIFO or a device such as /dev/zero would block or
// stream without end, so it is refused by what it is (opening never blocks: O_NONBLOCK).
// A file larger than the limit for its kind is refused before it is read, and the
// read stops at the limit if the file grows meanwhile. Failures are values whose
// message says what went wrong (no such file, permission denied, a symlink loop, a
// directory) instead of a generic "cannot read". The limits are in the README, "Limits".
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "core/result.hpp"

namespace velo {

inline constexpr std::size_t kMaxScenarioFileBytes = std::size_t{1} << 20;  // 1 MiB; also gate files
inline constexpr std::size_t kMaxDataFileBytes = std::size_t{256} << 20;    // 256 MiB: reports, folded stacks

// `what` names the kind of file in messages: "scenario file", "report".
Expected<std::string> read_input_file(const std::string& path, std::string_view what, std::size_t max_bytes);

}  // namespace velo

// The one place velo writes output files. A file is written to a temporary name
// in the same directory, flushed and renamed over the target, so a reader (or an
// interrupted run) never sees a half-written report.
#pragma once

#include <string>
#include <string_view>

#include "core/result.hpp"

namespace velo {

Status write_file_atomically(const std::string& path, std::string_view contents);
Expected<std::string> read_text_file(const std::string& path);

}  // namespace velo

// Facts about how this velo binary was built, recorded in every report.
#pragma once

#include <string>

namespace velo::build {

extern const char* const commit;  // `git describe` of the source tree, or "unknown"
std::string version();
std::string compiler();
std::string compiler_flags();
std::string build_type();
std::string sanitizers();  // meson b_sanitize, "none" when off

}  // namespace velo::build

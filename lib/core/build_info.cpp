#include "core/build_info.hpp"

#include "build_config.hpp"

namespace velo::build {

std::string version() { return VELO_VERSION; }
std::string compiler() { return VELO_COMPILER; }
std::string compiler_flags() { return VELO_COMPILER_FLAGS; }
std::string build_type() { return VELO_BUILD_TYPE; }
std::string sanitizers() { return VELO_SANITIZERS; }

}  // namespace velo::build

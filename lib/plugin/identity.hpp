// Which build of a plugin measured a case: the report records its path, declared
// name and version, the GNU build id its linker wrote, and a hash of the file.
#pragma once

#include <string>

namespace velo::plugin {

// The NT_GNU_BUILD_ID note of the object dlopen returned `handle` for, in hex;
// empty when the linker wrote none (-Wl,--build-id=none).
std::string gnu_build_id(void* handle);

}  // namespace velo::plugin

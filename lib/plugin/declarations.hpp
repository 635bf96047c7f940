// Reading what a plugin declares (names, docs, parameter declarations) without
// trusting it: every string is bounded, every value checked.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/params.hpp"
#include "core/result.hpp"
#include "velo/plugin.h"

namespace velo::plugin {

inline constexpr std::size_t kMaxNameBytes = 64;
inline constexpr std::size_t kMaxDocBytes = 1024;
inline constexpr std::size_t kMaxImpls = 1024;
inline constexpr std::size_t kMaxParams = 256;

// The NUL-terminated string at `text`, or nullopt if NULL or longer than max_bytes.
std::optional<std::string> bounded_string(const char* text, std::size_t max_bytes);
// Letters, digits and '_', 1..64 bytes.
bool valid_identifier(std::string_view name);

// One declaration as a ParamSpec; the error names the implementation and parameter.
Expected<ParamSpec> read_declaration(const velo_param_decl& decl, std::string_view impl_name, std::size_t index);

}  // namespace velo::plugin

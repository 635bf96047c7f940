#include <fmt/format.h>

#include "cli/commands.hpp"

namespace velo::cli {

void print_error(std::string_view message) { fmt::print(stderr, "velo: error: {}\n", message); }

}  // namespace velo::cli

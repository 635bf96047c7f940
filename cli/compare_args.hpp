// The options `velo compare` and `velo gate` share, read into an app::CompareRequest.
#pragma once

#include <CLI/CLI.hpp>

#include "app/compare.hpp"

namespace velo::cli {

void add_compare_args(CLI::App& command, app::CompareRequest& request);

}  // namespace velo::cli

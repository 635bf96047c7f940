// An external program as one variant of a built-in family: its cases sit in the
// same tables as the family's own variants, at the same parameters.
//
// The implementation `external_command` takes the family's parameters plus
// `command` (split like the command family's, no shell), `cwd` and `output`
// (the format the program prints: `go`, Go benchmark lines, or `gbench`, Google
// Benchmark JSON). {name} in the command is replaced by the case's parameter
// `name`, and {repetitions}, {min_time} (a Go duration such as "0.2s") and
// {min_time_s} by the case's run settings. The program is run until it has
// printed one result per repetition (it may print them all at once, as `go test
// -count` does); each result is one repetition's sample of every metric it
// reports. A family adds it with one line in its impls list.
#pragma once

#include <array>
#include <string_view>

#include "families/family.hpp"

namespace velo::external {

// The run settings an external_command's command may name besides parameters.
inline constexpr std::array<std::string_view, 3> kRunPlaceholders = {"repetitions", "min_time", "min_time_s"};

Implementation external_command_variant();

}  // namespace velo::external

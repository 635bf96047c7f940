// Turning the text of an external family's command into an argv, without a shell.
//
// Words are split the way a POSIX shell splits them, and nothing else a shell does
// happens: whitespace separates words; 'single quotes' keep everything literally;
// "double quotes" keep everything but \" \\ \$ \` (backslash-escaped); outside
// quotes a backslash keeps the next character. No globbing, variables, pipes or
// redirections: a scenario that needs those says `shell = true` and its text goes
// to /bin/sh -c unchanged. (The rules follow POSIX.1-2017, Shell Command Language,
// section 2.2 "Quoting"; the code is written here because it is a page.)
//
// Then "{name}" in a word is replaced by the parameter `name` of the case, so one
// command line serves every point of a parameter matrix (hyperfine's
// --parameter-scan / --parameter-list, done by velo's matrix).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/params.hpp"
#include "core/result.hpp"

namespace velo::external {

// The words of `text`; an unterminated quote or a trailing backslash is an error.
Expected<std::vector<std::string>> split_words(std::string_view text);

// The names of the parameters `text` refers to as {name} (name: letters, digits,
// '_', not starting with a digit), in order of first use.
std::vector<std::string> placeholders(std::string_view text);

// `text` with every {name} whose name is a parameter replaced by its value as it
// appears in case ids (format_param); other braces are kept as written.
std::string substitute(std::string_view text, const Params& params);

}  // namespace velo::external

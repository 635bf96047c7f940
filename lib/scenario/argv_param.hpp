// Parameters written as an argv: `command = ["./bench", "--size", "{size}"]` in a
// variant's params (the command lines of the `command` family and of external_command
// variants, is_argv_param),
// hyperfine's and the spelling of a command without a shell. In a variant's params a flat array of strings is one argv;
// an array of arrays (there or in [params]) is a matrix axis of argvs. A flat array
// in [params] stays what it always was, an axis of strings.
//
// An argv becomes the one text form the families already read: the command line
// that external::split_words (families/external/command_line.hpp) splits back into
// exactly these words. {name} placeholders are substituted per word after splitting,
// so a parameter's value is never split, quoted or joined whichever form is used.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace velo::scenario_detail {

// A word is written as it is when it is not empty and holds no whitespace, quote or
// backslash, otherwise in single quotes (a ' inside as '\''). So the argv
// ["./bench", "--size", "{size}"] is the text "./bench --size {size}": the same text,
// and the same case id, as the string form.
std::string argv_text(const std::vector<std::string>& words);

// Whether parameter `name` of a variant of `impl` in family `family` may be written as
// an argv: the command lines of the `command` family (command, baseline_command,
// setup, prepare, cleanup), and the `command` of an `external_command` variant in a
// built-in family (impl is empty for [params], which no implementation owns).
bool is_argv_param(std::string_view family, std::string_view impl, std::string_view name);

}  // namespace velo::scenario_detail

// Word splitting and {name} substitution for external commands (no shell involved).
#include <catch2/catch.hpp>

#include "families/external/command_line.hpp"

using velo::external::placeholders;
using velo::external::split_words;
using velo::external::substitute;
using Words = std::vector<std::string>;

TEST_CASE("words are split like a shell splits them", "[external]") {
  CHECK(*split_words("./bench --size 4") == Words{"./bench", "--size", "4"});
  CHECK(*split_words("  a\t b \n") == Words{"a", "b"});
  CHECK(*split_words("echo 'a b' \"c d\" e\\ f") == Words{"echo", "a b", "c d", "e f"});
  CHECK(*split_words("x'y'\"z\"") == Words{"xyz"});
  CHECK(*split_words("'$HOME' \"\\$HOME \\\" \\n\"") == Words{"$HOME", "$HOME \" \\n"});
  CHECK(*split_words("''") == Words{""});
  CHECK(split_words("").value().empty());
}

TEST_CASE("unterminated quotes and a trailing backslash are errors", "[external]") {
  CHECK_FALSE(split_words("echo 'abc"));
  CHECK(split_words("echo 'abc").error().message.find("single quote") != std::string::npos);
  CHECK_FALSE(split_words("echo \"abc"));
  CHECK_FALSE(split_words("echo abc\\"));
}

TEST_CASE("placeholders name parameters; other braces stay", "[external]") {
  CHECK(placeholders("run {size} {threads} {size}") == Words{"size", "threads"});
  CHECK(placeholders("{} {1x} {a-b} ${HOME} {ok_1}") == Words{"HOME", "ok_1"});
  velo::Params params;
  params.set("size", std::int64_t{64});
  params.set("mode", std::string("fast"));
  CHECK(substitute("--size={size} {mode}{mode} {other} {", params) == "--size=64 fastfast {other} {");
}

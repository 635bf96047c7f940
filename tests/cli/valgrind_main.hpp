// main() of the tests that run velo under Valgrind (--measure instructions): skipped
// (exit 77) in ASan/TSan builds, whose workers cannot run under Valgrind, and where
// valgrind is not on PATH; else Catch2's session. Include after CATCH_CONFIG_RUNNER.
#pragma once

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include <catch2/catch.hpp>

#include "core/build_info.hpp"

namespace clitest {

inline int valgrind_tests_main(int argc, char** argv) {
  if (const std::string sanitizers = velo::build::sanitizers();
      sanitizers.find("address") != std::string::npos || sanitizers.find("thread") != std::string::npos) {
    std::fprintf(stderr, "skipped: a -Db_sanitize=%s build cannot run under Valgrind\n", sanitizers.c_str());
    return 77;
  }
  const char* path = std::getenv("PATH");
  bool found = false;
  for (std::string_view dirs = path ? path : ""; !found;) {
    const auto colon = dirs.find(':');
    found = ::access((std::string(dirs.substr(0, colon)) + "/valgrind").c_str(), X_OK) == 0;
    if (colon == std::string_view::npos) break;
    dirs.remove_prefix(colon + 1);
  }
  if (!found) {
    std::fprintf(stderr, "skipped: valgrind is not installed (Debian: apt-get install valgrind)\n");
    return 77;
  }
  return Catch::Session().run(argc, argv);
}

}  // namespace clitest

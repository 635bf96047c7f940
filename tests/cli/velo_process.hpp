// Running the built velo binary from a CLI test, the way a user or a CI job does:
// a child process with stdout and stderr captured in files, in a scratch
// directory of the test's own. Shared by every test in tests/cli/.
#pragma once

#include <catch2/catch.hpp>

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace clitest {

namespace fs = std::filesystem;

inline std::string env(const char* name) {
  const char* value = std::getenv(name);
  REQUIRE(value != nullptr);
  return value;
}

// A fixture under tests/data/<folder>/.
inline std::string test_data(const std::string& folder, const std::string& name) {
  return env("VELO_TEST_DATA") + "/" + folder + "/" + name;
}

inline std::string slurp(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

inline bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

// A fresh directory for this test process, named after the test.
inline fs::path make_scratch_dir(const std::string& test_name) {
  fs::path dir = fs::temp_directory_path() / ("velo-" + test_name + "-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

struct Outcome {
  int exit_code = -1;
  std::string out;
  std::string err;
};

struct RunOptions {
  fs::path scratch;                // stdout.txt / stderr.txt go here
  bool chdir_to_scratch = false;   // run velo in the scratch directory
  bool no_color = false;           // NO_COLOR=1 for the child
  int interrupt_after_lines = 0;   // send SIGINT once stderr holds this many lines
  fs::path stdout_to;              // set: stdout goes there (e.g. /dev/full) instead of stdout.txt
};

// Runs $VELO_BIN with `args`; returns its exit code (128 + signal if killed) and output.
inline Outcome run_velo(const std::vector<std::string>& args, const RunOptions& options) {
  const fs::path out = options.scratch / "stdout.txt";
  const fs::path err = options.scratch / "stderr.txt";
  static std::string bin = env("VELO_BIN");
  const pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    const fs::path& stdout_path = options.stdout_to.empty() ? out : options.stdout_to;
    const int out_fd = ::open(stdout_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    const int err_fd = ::open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ::dup2(out_fd, 1);
    ::dup2(err_fd, 2);
    if (options.chdir_to_scratch && ::chdir(options.scratch.c_str()) != 0) ::_exit(126);
    if (options.no_color) ::setenv("NO_COLOR", "1", 1);
    std::vector<char*> argv{bin.data()};
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    ::execv(bin.c_str(), argv.data());
    ::_exit(127);
  }
  if (options.interrupt_after_lines > 0) {
    for (;;) {
      const std::string text = slurp(err);
      if (std::count(text.begin(), text.end(), '\n') >= options.interrupt_after_lines) break;
      int status = 0;
      if (::waitpid(pid, &status, WNOHANG) == pid) FAIL("velo finished before it could be interrupted");
      ::usleep(20000);
    }
    ::kill(pid, SIGINT);
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status), slurp(out), slurp(err)};
}

}  // namespace clitest

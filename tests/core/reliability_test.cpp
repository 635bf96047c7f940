// Hostile input to the core helpers (issue #15): patterns, UTF-8, names, durations,
// input files and output files that are not regular files.
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "core/atomic_file.hpp"
#include "core/input_file.hpp"
#include "core/pattern.hpp"
#include "core/text.hpp"

namespace fs = std::filesystem;
using namespace velo;

namespace {

fs::path scratch() {
  static const fs::path dir = [] {
    fs::path d = fs::temp_directory_path() / ("velo-core-reliability-" + std::to_string(::getpid()));
    fs::remove_all(d);
    fs::create_directories(d);
    return d;
  }();
  return dir;
}

std::string nested_groups(int depth) { return std::string(depth, '(') + "a" + std::string(depth, ')'); }

}  // namespace

TEST_CASE("patterns: RE2 syntax, searched anywhere, errors as values", "[pattern]") {
  auto pattern = Pattern::compile("mutex|padded", "--filter");
  REQUIRE(pattern.ok());
  CHECK(pattern->search("counters/mutex/threads=4"));
  CHECK_FALSE(pattern->search("counters/atomic/threads=4"));
  CHECK(pattern->text() == "mutex|padded");

  auto broken = Pattern::compile("(", "--filter");
  REQUIRE_FALSE(broken.ok());
  CHECK_THAT(broken.error().message, Catch::StartsWith("--filter: '(' is not a valid regular expression (RE2 syntax)"));
  // Backreferences are ECMAScript, not RE2: refused with a message, not misread.
  CHECK_FALSE(Pattern::compile("(a)\\1", "pattern").ok());
}

TEST_CASE("patterns: deep nesting and long patterns are errors, never a crash", "[pattern]") {
  auto deep = Pattern::compile(nested_groups(20000), "--filter");
  REQUIRE_FALSE(deep.ok());
  CHECK_THAT(deep.error().message, Catch::Contains("the limit is 4096 bytes"));
  CHECK(deep.error().message.size() < 300);  // the pattern is not printed whole

  // Within the length limit RE2 either compiles it (its parser and matcher do not
  // recurse) or refuses it against its own limits; either way, no crash.
  auto within = Pattern::compile(nested_groups(2000), "pattern", SourceLocation{"gate.toml", 3, 11});
  if (within.ok()) CHECK(within->search("a"));
  else CHECK(within.error().where.line == 3);
  CHECK(Pattern::compile(nested_groups(100), "pattern").ok());
  CHECK(Pattern::compile(std::string(kMaxPatternBytes, 'a'), "pattern").ok());
  CHECK_FALSE(Pattern::compile(std::string(kMaxPatternBytes + 1, 'a'), "pattern").ok());
}

TEST_CASE("valid_utf8 replaces each maximal invalid subpart with U+FFFD", "[text][utf8]") {
  const std::string fffd = "\xEF\xBF\xBD";
  CHECK(valid_utf8("plain ascii") == "plain ascii");
  CHECK(valid_utf8("caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80") == "caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80");
  CHECK(valid_utf8("a\xFF" "b") == "a" + fffd + "b");
  CHECK(valid_utf8("\x80\x80") == fffd + fffd);                 // stray continuation bytes
  CHECK(valid_utf8("\xE2\x82") == fffd);                        // truncated: one maximal subpart
  CHECK(valid_utf8("\xC0\xAF") == fffd + fffd);                 // overlong
  CHECK(valid_utf8("\xED\xA0\x80") == fffd + fffd + fffd);      // a surrogate
  CHECK(valid_utf8("\xF4\x90\x80\x80") == fffd + fffd + fffd + fffd);  // above U+10FFFF
  CHECK(valid_utf8(std::string("a\0b", 3)) == std::string("a\0b", 3));  // NUL is valid UTF-8
}

TEST_CASE("names: control characters, ';' and bidirectional controls are named", "[text]") {
  CHECK_FALSE(forbidden_name_character("counters-quick").has_value());
  CHECK(forbidden_name_character("a\nb") == "a line break");
  CHECK(forbidden_name_character(std::string("a\0b", 3)) == "a NUL byte");
  CHECK(forbidden_name_character("a;b") == "';'");
  CHECK(forbidden_name_character("a\x1b[31m") == "the control character U+001B");
  CHECK(forbidden_name_character("evil\xE2\x80\xAEtxt") == "a bidirectional control character");
  CHECK(forbidden_name_character("a/b", "/,=") == "'/'");
  CHECK_FALSE(forbidden_name_character("caf\xC3\xA9").has_value());
}

TEST_CASE("durations: overflow, underflow and empty strings are errors", "[text][duration]") {
  CHECK(*read_duration("50ms", false) == Approx(0.05));
  CHECK(*read_duration("0s", true) == 0);
  CHECK_THAT(read_duration("", false).error().message, Catch::Contains("got an empty string"));
  CHECK_THAT(read_duration("0s", false).error().message, Catch::Contains("greater than zero"));
  CHECK_THAT(read_duration("1e30s", false).error().message, Catch::Contains("longer than the largest duration"));
  CHECK_THAT(read_duration("99999999999999999m", false).error().message, Catch::Contains("7 days"));
  CHECK_THAT(read_duration("1e-300s", false).error().message, Catch::Contains("shorter than the smallest"));
  CHECK_THAT(read_duration("1e-300s", true).error().message, Catch::Contains("shorter than the smallest"));
  CHECK_FALSE(read_duration("nan s", false).ok());
  CHECK_FALSE(read_duration("inf s", false).ok());
}

TEST_CASE("input files: only regular files, within the size limit, with clear messages", "[input_file]") {
  const fs::path dir = scratch();
  const std::string file = (dir / "ok.toml").string();
  std::ofstream(file) << "name = 1\n";
  CHECK(*read_input_file(file, "scenario file", kMaxScenarioFileBytes) == "name = 1\n");

  auto missing = read_input_file((dir / "nope.toml").string(), "scenario file", kMaxScenarioFileBytes);
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().message == "no such scenario file");

  auto directory = read_input_file(dir.string(), "report", kMaxDataFileBytes);
  REQUIRE_FALSE(directory.ok());
  CHECK(directory.error().message == "is a directory, not a report: velo reads only regular files");

  const std::string fifo = (dir / "fifo").string();
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  auto from_fifo = read_input_file(fifo, "scenario file", kMaxScenarioFileBytes);  // must not block
  REQUIRE_FALSE(from_fifo.ok());
  CHECK_THAT(from_fifo.error().message, Catch::StartsWith("is a FIFO (named pipe), not a scenario file"));

  auto zero = read_input_file("/dev/zero", "folded file", kMaxDataFileBytes);
  REQUIRE_FALSE(zero.ok());
  CHECK_THAT(zero.error().message, Catch::StartsWith("is a character device, not a folded file"));

  const std::string loop = (dir / "loop").string();
  fs::create_symlink(loop, loop);
  auto looped = read_input_file(loop, "scenario file", kMaxScenarioFileBytes);
  REQUIRE_FALSE(looped.ok());
  CHECK_THAT(looped.error().message, Catch::Contains("symlink loop"));

  // Too large: refused from its size alone (a sparse file; nothing is read).
  const std::string big = (dir / "big.json").string();
  { std::ofstream create(big); }
  fs::resize_file(big, kMaxScenarioFileBytes + 1);
  auto too_big = read_input_file(big, "scenario file", kMaxScenarioFileBytes);
  REQUIRE_FALSE(too_big.ok());
  CHECK(too_big.error().message == "the scenario file is 1048577 bytes, more than the limit of 1 MiB");

  if (::geteuid() != 0) {  // root reads anything
    const std::string locked = (dir / "locked.toml").string();
    std::ofstream(locked) << "x";
    fs::permissions(locked, fs::perms::none);
    auto denied = read_input_file(locked, "scenario file", kMaxScenarioFileBytes);
    REQUIRE_FALSE(denied.ok());
    CHECK(denied.error().message == "cannot read the scenario file: permission denied");
  }
}

TEST_CASE("output to a FIFO or a device is written in place, never replaced", "[atomic_file]") {
  const fs::path dir = scratch();
  const std::string fifo = (dir / "out.fifo").string();
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  // Nobody reads it: an error at once, not a hang, and the FIFO stays a FIFO.
  const Status unread = write_file_atomically(fifo, "report");
  REQUIRE_FALSE(unread.ok());
  CHECK_THAT(unread.error().message, Catch::Contains("no process is reading this FIFO"));
  CHECK(fs::is_fifo(fifo));

  // With a reader, the bytes go through the FIFO.
  const int reader = ::open(fifo.c_str(), O_RDONLY | O_NONBLOCK);
  REQUIRE(reader >= 0);
  REQUIRE(write_file_atomically(fifo, "report").ok());
  char buffer[16] = {};
  CHECK(::read(reader, buffer, sizeof buffer) == 6);
  CHECK(std::string(buffer) == "report");
  ::close(reader);
  CHECK(fs::is_fifo(fifo));

  CHECK(write_file_atomically("/dev/null", "report").ok());
  CHECK(fs::is_character_file("/dev/null"));

  // A private copy of /dev/full (needs root for mknod): the write error is reported
  // and the node is still a device afterwards.
  const std::string full = (dir / "full").string();
  if (::mknod(full.c_str(), S_IFCHR | 0600, makedev(1, 7)) == 0) {
    const Status status = write_file_atomically(full, "report");
    REQUIRE_FALSE(status.ok());
    CHECK_THAT(status.error().message, Catch::Contains("No space left on device"));
    CHECK(fs::is_character_file(full));
  }

  const Status directory = write_file_atomically(dir.string(), "report");
  REQUIRE_FALSE(directory.ok());
  CHECK_THAT(directory.error().message, Catch::Contains("is a directory"));
}

TEST_CASE("output through a symbolic link replaces the file and keeps the link", "[atomic_file]") {
  const fs::path dir = scratch();
  const fs::path target = dir / "target.json", link = dir / "link.json";
  std::ofstream(target) << "old";
  fs::create_symlink(target, link);
  REQUIRE(write_file_atomically(link.string(), "new").ok());
  CHECK(fs::is_symlink(link));
  CHECK(*read_text_file(target.string()) == "new");
}

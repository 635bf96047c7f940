// tools/embed_files.py: embedded files are the source files byte for byte.
#include <catch2/catch.hpp>

#include <fstream>
#include <iterator>
#include <string>

#include "scenario/embedded_files.hpp"

namespace velo {
// Generated from tests/data/embed/* by tests/scenario/meson.build.
std::span<const EmbeddedFile> embedded_test_fixtures();
}  // namespace velo

TEST_CASE("embedded files keep every byte, and empty files stay empty", "[scenario][embed]") {
  const auto files = velo::embedded_test_fixtures();
  REQUIRE(files.size() == 2);
  CHECK(files[0].name == "embed/all_bytes.bin");  // sorted by name
  CHECK(files[1].name == "embed/empty.txt");
  std::ifstream in(std::string(VELO_SOURCE_ROOT) + "/tests/data/embed/all_bytes.bin", std::ios::binary);
  REQUIRE(in);
  const std::string expected{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  REQUIRE(expected.size() > 256);  // every byte value, then quotes, a backslash and comment markers
  CHECK(files[0].content == expected);
  CHECK(files[1].content.empty());
}

// The pprof reader (profiler/pprof_reader.hpp) on tiny profiles built here byte
// by byte (packed and unpacked fields, inlined lines, an address-only location,
// gzipped and bare), on velo's own pprof export read back, and on damaged input,
// which is refused with the file name and the byte.
#include <catch2/catch.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include "export/pprof.hpp"
#include "profiler/pprof_reader.hpp"

using velo::profiler::FoldedStacks;
using velo::profiler::read_pprof;

namespace {

// A minimal protobuf encoder for the test's messages.
std::string varint(std::uint64_t value) {
  std::string out;
  do {
    unsigned char byte = value & 0x7f;
    value >>= 7;
    if (value) byte |= 0x80;
    out.push_back(static_cast<char>(byte));
  } while (value);
  return out;
}
std::string key(int field, int wire) { return varint(static_cast<std::uint64_t>(field) << 3 | wire); }
std::string integer(int field, std::uint64_t value) { return key(field, 0) + varint(value); }
std::string message(int field, const std::string& body) { return key(field, 2) + varint(body.size()) + body; }
std::string packed(int field, const std::vector<std::uint64_t>& values) {
  std::string body;
  for (auto v : values) body += varint(v);
  return message(field, body);
}

// Strings: 0 "", 1 samples, 2 count, 3 cpu, 4 nanoseconds, 5 main.main,
// 6 main.BenchmarkX, 7 main.hot, 8 main.inlined.
std::string go_like_profile() {
  std::string p;
  p += message(1, integer(1, 1) + integer(2, 2));  // sample_type samples/count
  p += message(1, integer(1, 3) + integer(2, 4));  // sample_type cpu/nanoseconds
  // Sample 1: leaf location 3, then 2, then 1 (root); packed ids and values.
  p += message(2, packed(1, {3, 2, 1}) + packed(2, {5, 50000000}));
  // Sample 2: unpacked ids and values; leaf is the address-only location 4.
  p += message(2, integer(1, 4) + integer(1, 1) + integer(2, 2) + integer(2, 20000000));
  // Sample 3: a zero count is dropped.
  p += message(2, packed(1, {1}) + packed(2, {0, 0}));
  p += message(4, integer(1, 1) + message(4, integer(1, 1)));                              // main.main
  p += message(4, integer(1, 2) + message(4, integer(1, 2)));                              // main.BenchmarkX
  p += message(4, integer(1, 3) + message(4, integer(1, 4)) + message(4, integer(1, 3)));  // inlined into hot
  p += message(4, integer(1, 4) + integer(3, 0x4a2f10));
  p += message(5, integer(1, 1) + integer(2, 5));
  p += message(5, integer(1, 2) + integer(2, 6));
  p += message(5, integer(1, 3) + integer(2, 7));
  p += message(5, integer(1, 4) + integer(2, 8));
  for (const char* s : {"", "samples", "count", "cpu", "nanoseconds", "main.main", "main.BenchmarkX", "main.hot",
                        "main.inlined"}) {
    p += message(6, s);
  }
  p += message(11, integer(1, 3) + integer(2, 4));  // period_type cpu/nanoseconds
  p += integer(12, 10000000);                       // period: 10 ms
  p += integer(9, 123456);                          // time_nanos: skipped
  return p;
}

}  // namespace

TEST_CASE("a hand-built Go-like profile: leaf-first locations and inlined lines, root first", "[profiler][pprof]") {
  auto profile = read_pprof(go_like_profile(), "cpu.pprof");
  REQUIRE(profile);
  CHECK(profile->period == 10000000);
  CHECK(profile->period_unit == "nanoseconds");
  CHECK(profile->stacks.total() == 7);
  // Sample 2 has two locations: 4 (leaf, an address) under 1 (main.main).
  FoldedStacks expected;
  expected.add({"main.main", "main.BenchmarkX", "main.hot", "main.inlined"}, 5);
  expected.add({"main.main", "0x4a2f10"}, 2);
  CHECK(profile->stacks == expected);
}

TEST_CASE("gzipped and bare profiles read the same; velo's own pprof export reads back", "[profiler][pprof]") {
  auto gz = velo::exporter::gzip(go_like_profile());
  REQUIRE(gz);
  auto from_gz = read_pprof(*gz, "cpu.pprof.gz");
  REQUIRE(from_gz);
  CHECK(from_gz->stacks == read_pprof(go_like_profile(), "bare")->stacks);

  FoldedStacks stacks;
  stacks.add({"main", "work", "leaf"}, 7);
  stacks.add({"main", "other"}, 3);
  auto exported = velo::exporter::pprof_gzip(stacks, {.hz = 99});
  REQUIRE(exported);
  auto back = read_pprof(*exported, "velo.pprof");
  REQUIRE(back);
  CHECK(back->stacks == stacks);
}

TEST_CASE("damaged profiles are refused with the file and what was wrong", "[profiler][pprof]") {
  auto error_of = [](const std::string& bytes) {
    auto profile = read_pprof(bytes, "bad.pprof");
    REQUIRE_FALSE(profile);
    return profile.error().message;
  };
  const std::string good = go_like_profile();
  CHECK(error_of(good.substr(0, good.size() - 3)).find("bad.pprof: not a pprof profile") == 0);
  CHECK(error_of(std::string("\x1f\x8b\x08\x00garbage", 12)).find("bad.pprof: not a readable gzip stream") == 0);
  CHECK(error_of(message(6, "x")).find("must start with the empty string") != std::string::npos);
  CHECK(error_of(std::string(1, '\x80')).find("varint") != std::string::npos);
  CHECK(error_of(key(2, 0) + varint(1)).find("length-delimited") != std::string::npos);
  CHECK(error_of(message(6, "") + message(2, packed(1, {9}) + packed(2, {1})))
            .find("location 9, which the profile does not define") != std::string::npos);
  CHECK(error_of(message(6, "") + message(1, integer(1, 5))).find("string index 5") != std::string::npos);
  CHECK(error_of(key(3, 7)).find("wire type 7") != std::string::npos);
}

TEST_CASE("an empty profile has no stacks", "[profiler][pprof]") {
  auto profile = read_pprof(message(6, ""), "empty.pprof");
  REQUIRE(profile);
  CHECK(profile->stacks.empty());
}

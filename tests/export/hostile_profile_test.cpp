// Profiles of real programs, at their worst (issue #15): stacks 20,000 frames deep
// (deep recursion), frame names that are not valid UTF-8 or hold control bytes.
// Every writer must produce a well-formed file, never crash or throw.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include <string>

#include "core/text.hpp"
#include "export/flamegraph_svg.hpp"
#include "export/pprof.hpp"
#include "export/speedscope.hpp"
#include "profiler/folded.hpp"

using velo::profiler::FoldedStacks;

namespace {

FoldedStacks parse(const std::string& text) {
  auto parsed = FoldedStacks::parse(text, "test.folded");
  INFO((parsed.ok() ? "" : parsed.error().describe()));
  REQUIRE(parsed.ok());
  return *parsed;
}

// Well-formed XML text as far as bytes go: valid UTF-8 and no control character
// but tab, newline and carriage return.
bool xml_safe(const std::string& text) {
  if (velo::valid_utf8(text) != text) return false;
  for (unsigned char c : text) {
    if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f) return false;
  }
  return true;
}

}  // namespace

TEST_CASE("a stack 20,000 frames deep renders in every format", "[flamegraph][speedscope][pprof]") {
  std::string stack = "main";
  for (int i = 0; i < 20000; ++i) stack += ";recurse";
  const FoldedStacks stacks = parse(stack + " 3\nmain;leaf 1\n");

  velo::exporter::FlameOptions options;
  options.min_width = 0;  // draw every frame, however thin
  const std::string svg = velo::exporter::flamegraph_svg(stacks, options);
  CHECK(svg.find("data-depth=\"20001\"") != std::string::npos);
  velo::exporter::FlameOptions diff;
  diff.diff_before = &stacks;
  CHECK_FALSE(velo::exporter::flamegraph_svg(stacks, diff).empty());

  const auto speedscope = nlohmann::json::parse(velo::exporter::speedscope_json(stacks, "deep"));
  CHECK(speedscope["profiles"][0]["samples"][1].size() == 20001);  // [0] is main;leaf
  CHECK_FALSE(velo::exporter::pprof_proto(stacks, {}).empty());
}

TEST_CASE("invalid UTF-8 and control bytes in frame names never abort a writer", "[flamegraph][speedscope]") {
  const std::string fffd = "\xEF\xBF\xBD";
  const FoldedStacks stacks = parse("main;bad\xFF\xFEname;ctl\x01\x1b[0m 5\nmain;caf\xC3\xA9 2\n");
  // Invalid sequences become U+FFFD when read, once, for every writer.
  CHECK(stacks.stacks().count("main;bad" + fffd + fffd + "name;ctl\x01\x1b[0m") == 1);

  const std::string svg = velo::exporter::flamegraph_svg(stacks, {});
  CHECK(xml_safe(svg));
  CHECK(svg.find("caf\xC3\xA9") != std::string::npos);

  const std::string json = velo::exporter::speedscope_json(stacks, "bad\xFFname");
  const auto parsed = nlohmann::json::parse(json);  // throws on invalid UTF-8
  CHECK(parsed["name"] == "bad" + fffd + "name");

  // The same bytes added by the sampler (symbol names) take the same path.
  FoldedStacks sampled;
  sampled.add({"main", "sym\xC3"}, 1);
  CHECK(sampled.stacks().begin()->first == "main;sym" + fffd);
}

TEST_CASE("flame-graph labels are never cut inside a UTF-8 character", "[flamegraph]") {
  std::string name = "f";
  for (int i = 0; i < 200; ++i) name += "\xC3\xA9";  // a long name of two-byte characters
  const FoldedStacks stacks = parse("main;" + name + " 1\n");
  for (int width : {200, 201, 333, 517}) {
    velo::exporter::FlameOptions options;
    options.width = width;
    CHECK(xml_safe(velo::exporter::flamegraph_svg(stacks, options)));
  }
}

TEST_CASE("sample counts that add up beyond 2^64 are refused", "[folded]") {
  auto parsed = FoldedStacks::parse("a 18446744073709551615\nb 1\n", "big.folded");
  REQUIRE_FALSE(parsed.ok());
  CHECK(parsed.error().where.line == 2);
  CHECK_THAT(parsed.error().message, Catch::Contains("more than 2^64"));
}

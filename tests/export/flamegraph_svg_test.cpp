// SVG flame graphs: every frame of the profile is drawn once, with a width
// proportional to its samples; the differential colouring follows the
// arithmetic documented in flamegraph_svg.hpp.
#include <catch2/catch.hpp>

#include <map>
#include <regex>
#include <string>

#include "core/atomic_file.hpp"
#include "export/flamegraph_svg.hpp"

using velo::profiler::FoldedStacks;

namespace {

FoldedStacks load(const std::string& name) {
  auto text = velo::read_text_file(std::string(VELO_TEST_DATA) + "/" + name);
  REQUIRE(text.ok());
  auto parsed = FoldedStacks::parse(*text, name);
  REQUIRE(parsed.ok());
  return *parsed;
}

struct Frame {
  std::string name;
  long samples;
  int depth;
  double width;
  double y;
  std::string fill;
  double delta;
};

// Key: "depth:name" (names are unique per depth in the test profiles).
std::map<std::string, Frame> frames_of(const std::string& svg) {
  static const std::regex pattern(
      R"re(<g class="f" data-name="([^"]*)" data-samples="(\d+)" data-x="\d+" data-depth="(\d+)"(?: data-delta="([-0-9.]+)")?><title>[^<]*</title><rect x="[0-9.]+" y="([0-9.]+)" width="([0-9.]+)" height="[0-9.]+" rx="2" fill="([^"]+)"/>)re");
  std::map<std::string, Frame> frames;
  for (auto it = std::sregex_iterator(svg.begin(), svg.end(), pattern); it != std::sregex_iterator(); ++it) {
    const auto& m = *it;
    Frame frame{m[1], std::stol(m[2]), std::stoi(m[3]), std::stod(m[6]), std::stod(m[5]), m[7],
                m[4].matched ? std::stod(m[4]) : 0.0};
    frames[std::to_string(frame.depth) + ":" + frame.name] = frame;
  }
  return frames;
}

}  // namespace

TEST_CASE("every frame is drawn once, width proportional to its samples", "[flamegraph]") {
  const FoldedStacks stacks = load("canonical.folded");
  velo::exporter::FlameOptions options;
  options.title = "canonical <test>";
  options.width = 1020;  // 1000 px between the margins
  const std::string svg = velo::exporter::flamegraph_svg(stacks, options);

  CHECK(svg.starts_with("<?xml"));
  CHECK(svg.find("canonical &lt;test&gt;") != std::string::npos);
  CHECK(svg.find("<script>") != std::string::npos);
  CHECK(svg.find("http://www.w3.org/2000/svg") != std::string::npos);
  CHECK(svg.find("https://") == std::string::npos);  // nothing fetched from the network

  const auto frames = frames_of(svg);
  // all, main, idle, run, compute, parse, hash
  REQUIRE(frames.size() == 7);
  const std::map<std::string, long> expected = {{"0:all", 15},  {"1:main", 15},   {"2:idle", 4},
                                                {"2:run", 11},  {"3:compute", 5}, {"3:parse", 4},
                                                {"4:hash", 5}};
  for (const auto& [key, samples] : expected) {
    INFO(key);
    REQUIRE(frames.count(key) == 1);
    CHECK(frames.at(key).samples == samples);
    CHECK(frames.at(key).width == Approx(1000.0 * static_cast<double>(samples) / 15).margin(0.01));
  }
  // Flame: the root at the bottom.
  CHECK(frames.at("0:all").y > frames.at("1:main").y);
}

TEST_CASE("--icicle puts the root on top; --min-width drops narrow frames", "[flamegraph]") {
  const FoldedStacks stacks = load("canonical.folded");
  velo::exporter::FlameOptions options;
  options.icicle = true;
  options.width = 1020;
  auto frames = frames_of(velo::exporter::flamegraph_svg(stacks, options));
  CHECK(frames.at("0:all").y < frames.at("1:main").y);

  options.min_width = 300;  // keeps frames of at least 4.5 samples of 15
  frames = frames_of(velo::exporter::flamegraph_svg(stacks, options));
  CHECK(frames.count("2:idle") == 0);
  CHECK(frames.count("3:parse") == 0);
  CHECK(frames.count("3:compute") == 1);
  CHECK(frames.count("4:hash") == 1);
}

TEST_CASE("differential graph: AFTER's widths, self-sample change vs normalised BEFORE", "[flamegraph][diff]") {
  const FoldedStacks before = load("before.folded");  // alpha 50, beta 50   (total 100)
  const FoldedStacks after = load("after.folded");    // alpha 150, beta 30, gamma 20 (total 200)
  velo::exporter::FlameOptions options;
  options.width = 1020;
  options.diff_before = &before;
  auto frames = frames_of(velo::exporter::flamegraph_svg(after, options));
  REQUIRE(frames.size() == 6);
  CHECK(frames.at("3:alpha").width == Approx(750).margin(0.01));
  // BEFORE scaled x2: alpha 150-100 = +50, beta 30-100 = -70, gamma 20-0 = +20.
  CHECK(frames.at("3:alpha").delta == Approx(50));
  CHECK(frames.at("3:beta").delta == Approx(-70));
  CHECK(frames.at("3:gamma").delta == Approx(20));
  CHECK(frames.at("2:work").delta == Approx(0));
  CHECK(frames.at("3:beta").fill == "rgb(45,45,255)");    // the largest change: full blue
  CHECK(frames.at("3:alpha").fill == "rgb(255,105,105)"); // 50/70 of full red
  CHECK(frames.at("2:work").fill == "rgb(255,255,255)");

  options.normalise = false;  // raw counts: alpha +100, beta -20, gamma +20
  frames = frames_of(velo::exporter::flamegraph_svg(after, options));
  CHECK(frames.at("3:alpha").delta == Approx(100));
  CHECK(frames.at("3:beta").delta == Approx(-20));
  CHECK(frames.at("3:alpha").fill == "rgb(255,45,45)");
}

TEST_CASE("an empty profile still renders a valid document", "[flamegraph]") {
  const std::string svg = velo::exporter::flamegraph_svg(FoldedStacks{}, {});
  CHECK(svg.find("</svg>") != std::string::npos);
  CHECK(frames_of(svg).size() == 1);
}

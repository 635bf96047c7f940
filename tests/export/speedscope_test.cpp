// speedscope export: the documented file-format shape, one profile per thread,
// stacks root first, weights summing to each thread's samples (golden file).
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "core/atomic_file.hpp"
#include "export/speedscope.hpp"

using velo::profiler::FoldedStacks;

namespace {
std::string read_data(const std::string& name) {
  auto text = velo::read_text_file(std::string(VELO_TEST_DATA) + "/" + name);
  REQUIRE(text.ok());
  return *text;
}
}  // namespace

TEST_CASE("speedscope JSON has one sampled profile per thread", "[speedscope]") {
  auto stacks = FoldedStacks::parse(read_data("threads.folded"));
  REQUIRE(stacks.ok());
  auto document = nlohmann::json::parse(velo::exporter::speedscope_json(*stacks, "threads"));

  CHECK(document["$schema"] == "https://www.speedscope.app/file-format-schema.json");
  CHECK(document["name"] == "threads");
  const auto& frames = document["shared"]["frames"];
  const auto& profiles = document["profiles"];
  REQUIRE(profiles.size() == 2);
  CHECK(profiles[0]["name"] == "main");
  CHECK(profiles[1]["name"] == "worker-1");
  for (const auto& profile : profiles) {
    CHECK(profile["type"] == "sampled");
    CHECK(profile["unit"] == "none");
    CHECK(profile["samples"].size() == profile["weights"].size());
    std::uint64_t sum = 0;
    for (const auto& weight : profile["weights"]) sum += weight.get<std::uint64_t>();
    CHECK(profile["endValue"] == sum);
    for (const auto& sample : profile["samples"]) {
      for (const auto& index : sample) CHECK(index.get<std::size_t>() < frames.size());
    }
  }
  CHECK(profiles[0]["endValue"] == 8);
  CHECK(profiles[1]["endValue"] == 4);
  // Root first, thread frame removed: main;run;compute.
  const auto& first = profiles[0]["samples"][0];
  REQUIRE(first.size() == 3);
  CHECK(frames[first[0].get<std::size_t>()]["name"] == "main");
  CHECK(frames[first[2].get<std::size_t>()]["name"] == "compute");

  // Golden file, apart from the exporter version.
  document.erase("exporter");
  auto golden = nlohmann::json::parse(read_data("threads.speedscope.json"));
  CHECK(document == golden);
}

TEST_CASE("stacks without a thread frame form one profile named after the input", "[speedscope]") {
  auto stacks = FoldedStacks::parse("main;f 2\nmain;g 1\n");
  REQUIRE(stacks.ok());
  auto document = nlohmann::json::parse(velo::exporter::speedscope_json(*stacks, "input.folded"));
  REQUIRE(document["profiles"].size() == 1);
  CHECK(document["profiles"][0]["name"] == "input.folded");
  CHECK(document["profiles"][0]["endValue"] == 3);
}

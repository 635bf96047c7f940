// The folded format (docs/folded-format.md): parse/write round trip against the
// example files in tests/data/profiler/, merging, cleaning of frame names, and
// parse errors that say where and what was expected.
#include <catch2/catch.hpp>

#include <string>

#include "core/atomic_file.hpp"
#include "profiler/folded.hpp"

using velo::profiler::FoldedStacks;

namespace {
std::string data_path(const std::string& name) { return std::string(VELO_TEST_DATA) + "/" + name; }

std::string read_data(const std::string& name) {
  auto text = velo::read_text_file(data_path(name));
  REQUIRE(text.ok());
  return *text;
}
}  // namespace

TEST_CASE("parsing merges duplicate stacks and write() is canonical (golden)", "[folded]") {
  auto parsed = FoldedStacks::parse(read_data("unsorted.folded"), "unsorted.folded");
  REQUIRE(parsed.ok());
  CHECK(parsed->total() == 15);
  CHECK(parsed->size() == 4);
  CHECK(parsed->write() == read_data("canonical.folded"));
}

TEST_CASE("write then parse gives back the same stacks", "[folded]") {
  for (const char* name : {"canonical.folded", "threads.folded", "before.folded", "after.folded"}) {
    auto first = FoldedStacks::parse(read_data(name), name);
    REQUIRE(first.ok());
    auto second = FoldedStacks::parse(first->write());
    REQUIRE(second.ok());
    CHECK(*first == *second);
    CHECK(second->write() == read_data(name));
  }
}

TEST_CASE("merge sums the counts of equal stacks", "[folded]") {
  FoldedStacks a, b;
  a.add({"main", "f"}, 2);
  b.add({"main", "f"}, 3);
  b.add({"main", "g"}, 1);
  a.merge(b);
  CHECK(a.write() == "main;f 5\nmain;g 1\n");
  CHECK(a.total() == 6);
}

TEST_CASE("frame names are cleaned so every line stays parseable", "[folded]") {
  FoldedStacks stacks;
  stacks.add({"std::map<int;int>", "two\nlines", ""}, 1);
  stacks.add({"x"}, 0);  // nothing to record
  CHECK(stacks.write() == "std::map<int:int>;two lines;[unknown] 1\n");
  CHECK(FoldedStacks::parse(stacks.write()).ok());
  CHECK(velo::profiler::thread_frame("worker;1") == "[thread:worker:1]");
  CHECK(velo::profiler::thread_of("[thread:worker-1]") == "worker-1");
  CHECK(velo::profiler::thread_of("main").empty());
}

TEST_CASE("frames may contain spaces: the count follows the last space", "[folded]") {
  auto parsed = FoldedStacks::parse("main;operator new(unsigned long) 7\r\n");
  REQUIRE(parsed.ok());
  CHECK(parsed->write() == "main;operator new(unsigned long) 7\n");
}

TEST_CASE("parse errors name the file, the line and what was expected", "[folded]") {
  struct Case {
    const char* file;
    const char* described;
  };
  for (auto [file, described] : {
           Case{"bad_missing_count.folded",
                "bad_missing_count.folded:2: expected 'frame;frame;... COUNT' (a stack, a space, a sample count)"},
           Case{"bad_empty_frame.folded",
                "bad_empty_frame.folded:2: expected a frame name between ';' separators in 'main;;parse'"},
           Case{"bad_fraction.folded",
                "bad_fraction.folded:3: expected an integer sample count after the last space, found '2.5'"},
       }) {
    auto parsed = FoldedStacks::parse(read_data(file), file);
    REQUIRE_FALSE(parsed.ok());
    CHECK(parsed.error().describe() == described);
  }
  CHECK(FoldedStacks::parse("main 0\n").error().message == "expected a sample count of at least 1, found 0");
  CHECK(FoldedStacks::parse("nocount\n").error().message.starts_with("expected 'frame;frame;... COUNT'"));
}

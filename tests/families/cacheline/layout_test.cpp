// Layout arithmetic: padding, cache lines, the JSON a case carries, the
// pahole-style rendering and the line bytes a scan touches per record.
#include <catch2/catch.hpp>

#include <cstdint>

#include "families/cacheline/layout.hpp"

namespace {

struct Sample {
  char tag;
  std::int64_t id;
  std::int32_t count;
  char tail[60];
};
static_assert(sizeof(Sample) == 80);

velo::cacheline::StructLayout sample_layout() {
  return velo::cacheline::layout_of<Sample>("Sample", {VELO_LAYOUT_FIELD(Sample, tag, "char"),
                                                       VELO_LAYOUT_FIELD(Sample, id, "int64_t"),
                                                       VELO_LAYOUT_FIELD(Sample, count, "int32_t"),
                                                       VELO_LAYOUT_FIELD(Sample, tail, "char[60]")});
}

}  // namespace

TEST_CASE("padding after each field and in total", "[cacheline][layout]") {
  const auto layout = sample_layout();
  CHECK(layout.size == 80);
  CHECK(layout.align == 8);
  CHECK(layout.padding_after(0) == 7);  // char, then int64 at 8
  CHECK(layout.padding_after(1) == 0);
  CHECK(layout.padding_after(2) == 0);  // char[60] needs no alignment
  CHECK(layout.padding_after(3) == 0);  // 20 + 60 = 80
  CHECK(layout.total_padding() == 7);
}

TEST_CASE("layout JSON gives offsets, sizes and cache lines", "[cacheline][layout]") {
  const auto json = velo::cacheline::to_json(sample_layout(), 64);
  CHECK(json["sizeof"] == 80);
  CHECK(json["alignof"] == 8);
  CHECK(json["padding_bytes"] == 7);
  CHECK(json["cache_lines"] == 2);
  const auto& fields = json["fields"];
  REQUIRE(fields.size() == 4);
  CHECK(fields[1]["name"] == "id");
  CHECK(fields[1]["offset"] == 8);
  CHECK(fields[1]["size"] == 8);
  CHECK(fields[0]["padding_after"] == 7);
  CHECK(fields[3]["offset"] == 20);
  CHECK(fields[3]["cache_line"] == 0);
  CHECK(fields[3]["cache_line_end"] == 1);  // bytes 20..79 straddle the boundary
  CHECK_FALSE(fields[1].contains("cache_line_end"));
}

TEST_CASE("rendering reads like pahole", "[cacheline][layout]") {
  const std::string text =
      velo::cacheline::render_layouts(velo::cacheline::to_json(std::vector{sample_layout()}, 64));
  CHECK_THAT(text, Catch::StartsWith("struct Sample {"));
  CHECK_THAT(text, Catch::Contains("XXX 7 bytes hole"));
  CHECK_THAT(text, Catch::Contains("int64_t id;"));
  CHECK_THAT(text, Catch::Contains("size: 80, cachelines: 2, members: 4, align: 8"));
  CHECK_THAT(text, Catch::Contains("sum members: 73, holes: 1, sum holes: 7"));
  CHECK_THAT(text, Catch::Contains("last cacheline: 16 bytes"));
  CHECK_THAT(text, Catch::EndsWith("};\n"));
}

TEST_CASE("tail padding is reported as padding, not a hole", "[cacheline][layout]") {
  struct Tail {
    std::int64_t a;
    char b;
  };
  const auto layout = velo::cacheline::layout_of<Tail>(
      "Tail", {VELO_LAYOUT_FIELD(Tail, a, "int64_t"), VELO_LAYOUT_FIELD(Tail, b, "char")});
  CHECK(layout.total_padding() == 7);
  const std::string text = velo::cacheline::render_layouts(velo::cacheline::to_json(std::vector{layout}, 64));
  CHECK_THAT(text, Catch::Contains("holes: 0, sum holes: 0"));
  CHECK_THAT(text, Catch::Contains("padding: 7"));
}

TEST_CASE("line bytes a scan brings in per record", "[cacheline][layout]") {
  using velo::cacheline::line_bytes_per_record;
  CHECK(line_bytes_per_record(64, 0, 8) == 64.0);    // one line per record
  CHECK(line_bytes_per_record(128, 0, 12) == 64.0);  // second line never touched
  CHECK(line_bytes_per_record(16, 0, 4) == 16.0);    // every line, 4 records each
  CHECK(line_bytes_per_record(4, 0, 4) == 4.0);      // a column of uint32
  CHECK(line_bytes_per_record(40, 8, 24) == 40.0);   // 40 B records: all lines touched
  CHECK(line_bytes_per_record(23, 1, 9) == 23.0);    // packed records straddle lines
  CHECK(line_bytes_per_record(256, 0, 64) == 64.0);  // one of four lines
  CHECK(line_bytes_per_record(64, 0, 16) / 4 == 16.0);  // AoSoA block of 4 x 4 fields
}

TEST_CASE("aligned arrays are aligned and value-initialised", "[cacheline][layout]") {
  velo::cacheline::AlignedArray<Sample> array(5);
  CHECK(reinterpret_cast<std::uintptr_t>(array.data()) % 128 == 0);
  CHECK(array.size() == 5);
  CHECK(array[4].id == 0);
}

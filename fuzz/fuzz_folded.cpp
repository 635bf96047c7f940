// Fuzz target: a folded-stack file through the reader and every writer that takes
// one: the flame graph SVG (plain and differential), speedscope JSON and pprof.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "export/flamegraph_svg.hpp"
#include "export/pprof.hpp"
#include "export/speedscope.hpp"
#include "profiler/folded.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto stacks = velo::profiler::FoldedStacks::parse(text, "fuzz.folded");
  if (!stacks.ok()) return 0;
  std::size_t bytes = velo::exporter::flamegraph_svg(*stacks, {}).size();
  velo::exporter::FlameOptions diff;
  diff.diff_before = &*stacks;
  bytes += velo::exporter::flamegraph_svg(*stacks, diff).size();
  bytes += velo::exporter::speedscope_json(*stacks, "fuzz").size();
  bytes += velo::exporter::pprof_proto(*stacks, {}).size();
  return bytes == 0 ? 1 : 0;
}

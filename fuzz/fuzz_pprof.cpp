// Fuzz target: bytes through the pprof reader (gzipped or bare protobuf), and
// the stacks it accepts through the folded writer and parser, which must agree.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "profiler/folded.hpp"
#include "profiler/pprof_reader.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  auto profile = velo::profiler::read_pprof(bytes, "fuzz.pprof");
  if (!profile.ok()) return 0;
  auto again = velo::profiler::FoldedStacks::parse(profile->stacks.write(), "fuzz.folded");
  if (!again.ok() || !(*again == profile->stacks)) std::abort();
  return 0;
}

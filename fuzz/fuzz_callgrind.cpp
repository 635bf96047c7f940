// Fuzz target: a callgrind output file through the reader and the per-op arithmetic
// (runner/callgrind_output.hpp): any bytes give a dump or an Error, never a crash.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "runner/callgrind_output.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto dump = velo::parse_callgrind_dump(text, "fuzz.callgrind");
  if (!dump.ok()) return 0;
  auto counts = velo::counts_per_op(*dump, 1000);
  return counts.ok() && counts->empty() ? 1 : 0;
}

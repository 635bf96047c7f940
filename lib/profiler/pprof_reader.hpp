// Reading a pprof profile (github.com/google/pprof/proto/profile.proto), as Go's
// `go test -cpuprofile` writes it, into folded stacks, so `velo flame` and the
// rest of velo's profile tooling show Go benchmarks too.
//
// Hand-written: the protobuf wire format (varints, length-delimited fields) and
// the five messages read here fit on a page; protobuf's library and generated
// code would be a far larger dependency than the reader. zlib inflates the gzip
// wrapper (a file that does not start with gzip's magic is read as the bare
// message, as `go tool pprof` does).
//
// Mapping: a sample's locations run leaf first; a location's lines run callee
// first (the last line is the function the others were inlined into). Folded
// stacks are root first, so both are reversed. A location without lines is named
// by its address ("0x4a2f10"). A sample counts the value of its "samples" type
// (Go: samples/count), else its first value; samples with a count of zero or less
// are dropped. Labels, mappings and the other sample types are ignored.
#pragma once

#include <cstdint>
#include <string_view>

#include "core/result.hpp"
#include "profiler/folded.hpp"

namespace velo::profiler {

struct PprofProfile {
  FoldedStacks stacks;
  std::int64_t period = 0;       // between samples, in the period type's unit (Go: 10000000 cpu ns)
  std::string period_unit;       // "nanoseconds" for a Go CPU profile
};

// Errors name `file_name` and say what was expected and at which byte.
Expected<PprofProfile> read_pprof(std::string_view bytes, std::string_view file_name);

}  // namespace velo::profiler

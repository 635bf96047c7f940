// pprof's profile.proto (github.com/google/pprof/proto/profile.proto), gzipped,
// as `go tool pprof` reads it. Encoded by hand: the message is small and fixed,
// and a protobuf dependency would be heavier than the encoder.
//
// Sample types: samples/count and cpu/nanoseconds (count x the sampling period,
// 1e9 / hz). One function and one location per distinct frame name, each
// location with one line record (line 0: folded stacks carry no line numbers).
// A "[thread:NAME]" root frame becomes the label thread=NAME on its samples.
#pragma once

#include <string>

#include "core/result.hpp"
#include "profiler/folded.hpp"

namespace velo::exporter {

struct PprofOptions {
  int hz = 99;  // the rate the stacks were sampled at
};

// The uncompressed profile.proto message.
std::string pprof_proto(const profiler::FoldedStacks& stacks, const PprofOptions& options);
// The same, gzipped: the file format.
Expected<std::string> pprof_gzip(const profiler::FoldedStacks& stacks, const PprofOptions& options);

// gzip (RFC 1952) of `bytes` with zlib.
Expected<std::string> gzip(std::string_view bytes);

}  // namespace velo::exporter

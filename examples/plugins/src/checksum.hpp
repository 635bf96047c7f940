// A `function` benchmark: FNV-1a over a buffer of `bytes` bytes, one hash per
// iteration. Each thread keeps its last result; verify() compares it with the
// hash computed once in setup, so a wrong (or optimised-away) loop fails the case.
#pragma once

#include <velo/plugin.hpp>

#include <string>
#include <vector>

namespace examples {

class Checksum {
 public:
  Checksum(const velo_function_config& config, const velo::plugin::Params& params)
      : buffer_(static_cast<std::size_t>(params.integer("bytes"))),
        results_(static_cast<std::size_t>(config.threads)) {
    for (std::size_t i = 0; i < buffer_.size(); ++i) buffer_[i] = static_cast<unsigned char>(i * 131 + 7);
    expected_ = fnv1a();
  }
  void run(std::int64_t iterations, int thread) {
    std::uint64_t result = 0;
    for (std::int64_t i = 0; i < iterations; ++i) {
      result = fnv1a();
      asm volatile("" : "+r"(result));  // keep every iteration
    }
    if (iterations > 0) results_[static_cast<std::size_t>(thread)].value = result;
  }
  std::string verify() {
    for (std::size_t t = 0; t < results_.size(); ++t) {
      if (results_[t].value != expected_ && results_[t].value != 0) {
        return "thread " + std::to_string(t) + " computed a different checksum";
      }
    }
    return "";
  }

 private:
  std::uint64_t fnv1a() const {
    std::uint64_t hash = 0xcbf29ce484222325ULL;
    for (unsigned char byte : buffer_) hash = (hash ^ byte) * 0x100000001b3ULL;
    return hash;
  }
  struct alignas(64) Result {
    std::uint64_t value = 0;
  };
  std::vector<unsigned char> buffer_;
  std::vector<Result> results_;
  std::uint64_t expected_ = 0;
};

}  // namespace examples

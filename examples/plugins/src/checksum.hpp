// A `function` benchmark: FNV-1a over a buffer of `bytes` bytes, one hash per
// iteration. Each thread keeps its last result; verify() compares it with the
// hash computed once in setup, so a wrong (or optimised-away) loop fails the case.
#pragma once

#include <velo/plugin.hpp>

#include <chrono>
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
#ifdef EXAMPLES_SLOW_NS
      slow_wait();
#endif
      const Checksum* self = this;
      asm volatile("" : "+r"(self));  // opaque: the hash cannot be hoisted out of the loop
      result = self->fnv1a();
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
  // Out of line, as is the slow build's wait: both builds then run the same hash
  // code, and the gate demo sees the wait alone (inlined, the wait changed how the
  // compiler laid out the hash loop, which made the slow build's hashing 16% faster).
  [[gnu::noinline]] std::uint64_t fnv1a() const {
    std::uint64_t hash = 0xcbf29ce484222325ULL;
    for (unsigned char byte : buffer_) hash = (hash ^ byte) * 0x100000001b3ULL;
    return hash;
  }
#ifdef EXAMPLES_SLOW_NS
  // The gate demo's regression: a known extra wait per checksum (-Dslow=true).
  [[gnu::noinline]] static void slow_wait() {
    const auto until = std::chrono::steady_clock::now() + std::chrono::nanoseconds(EXAMPLES_SLOW_NS);
    while (std::chrono::steady_clock::now() < until) {
    }
  }
#endif
  struct alignas(64) Result {
    std::uint64_t value = 0;
  };
  std::vector<unsigned char> buffer_;
  std::vector<Result> results_;
  std::uint64_t expected_ = 0;
};

}  // namespace examples

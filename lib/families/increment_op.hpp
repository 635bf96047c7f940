// How a thread increments a counter that only it writes: the `op` parameter of the
// false-sharing workloads (cacheline false_sharing_*, counters sharded_*).
//
//   atomic_add  one atomic read-modify-write per increment (fetch_add: `lock xadd`
//               on x86), as Go's atomic.AddUint64 in the articles these workloads
//               follow. The instruction needs the line in the Modified state at
//               once and drains the store buffer, so every increment pays for the
//               line's trip between cores: this is what shows false sharing.
//   store       a relaxed load and a plain store. The store buffer absorbs the
//               line's absence (the core keeps going, and it reads its own value
//               back from the buffer by store-to-load forwarding), so most of the
//               ping-pong is hidden; kept to show exactly that effect.
//
// The choice is a template argument, so the hot loop has no per-increment branch.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>

#include "core/params.hpp"

namespace velo {

enum class IncrementOp { atomic_add, store };

inline ParamSpec increment_op_param() {
  return {.name = "op",
          .type = ParamType::choice,
          .default_value = std::string("atomic_add"),
          .doc = "how a thread increments its own counter: atomic_add (lock xadd, as Go's "
                 "atomic.AddUint64) or store (relaxed load + store: the store buffer hides the line's trips)",
          .choices = {"atomic_add", "store"}};
}

inline IncrementOp increment_op_of(const Params& params) {
  return params.has("op") && params.text("op") == "store" ? IncrementOp::store : IncrementOp::atomic_add;
}

inline const char* to_string(IncrementOp op) {
  return op == IncrementOp::store ? "store" : "atomic_add";
}

// One increment of `counter`, which no other thread writes concurrently (with
// `store`, a concurrent writer would lose updates; atomic_add never does).
template <IncrementOp Op>
inline void increment(std::atomic<std::uint64_t>& counter, std::uint64_t by = 1) {
  if constexpr (Op == IncrementOp::atomic_add) {
    counter.fetch_add(by, std::memory_order_relaxed);
  } else {
    counter.store(counter.load(std::memory_order_relaxed) + by, std::memory_order_relaxed);
  }
}

}  // namespace velo

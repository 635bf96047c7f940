// An optional side of the workload contract (families/family.hpp) for the deterministic
// modes (docs/deterministic.md): a workload whose repetitions would otherwise do different
// work (continue an operation stream, carry state over) implements it, and the modes call
// repeat_same_work() once, before the first repetition; from then on every repetition does
// the same work where it can, so that counts repeat repetition after repetition, not only
// run after run. Time mode never calls it. (A separate interface, found with dynamic_cast,
// rather than a virtual of Workload: every variant of every family includes family.hpp.)
#pragma once

namespace velo {

class RepeatableWork {
 public:
  virtual ~RepeatableWork() = default;
  virtual void repeat_same_work() = 0;
};

}  // namespace velo

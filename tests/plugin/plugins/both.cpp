// A plugin whose implementations are named like one of velo_test_good's
// (atomic_counter) and one of velo_test_broken's (lossy_counter): as a
// --baseline-plugin with both loaded it is ambiguous, and the tests check velo
// says so instead of guessing.
#include <velo/plugin.hpp>

#include <atomic>

namespace {

class Counter {
 public:
  Counter(const velo_counter_config&, const velo::plugin::Params&) {}
  void add(int, std::int64_t n) { value_.fetch_add(static_cast<std::uint64_t>(n), std::memory_order_relaxed); }
  std::uint64_t read() const { return value_.load(); }

 private:
  std::atomic<std::uint64_t> value_{0};
};

}  // namespace

VELO_PLUGIN("testboth", "0.0.1",
            velo::plugin::counter<Counter>("atomic_counter", "named like testgood's"),
            velo::plugin::counter<Counter>("lossy_counter", "named like testbroken's"))

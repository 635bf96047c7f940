// How long one cache line takes to travel from one CPU to another here, now: two
// threads hand a counter back and forth through one atomic (each waits for the
// other's increment), and the time per hand-off is printed in ns (the median of 5
// runs of 200,000 hand-offs). On a virtual machine this moves with where the host
// runs the vCPUs; tools/go-vs-velo.sh prints it next to every round.
// Build: c++ -O2 -std=c++20 -pthread tools/xfer_latency.cpp -o xfer_latency
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <thread>
#include <vector>

namespace {

alignas(64) std::atomic<long> turn{0};

void hand_off(long first, long total) {
  for (long i = first; i < total; i += 2) {
    while (turn.load(std::memory_order_acquire) != i) {
    }
    turn.store(i + 1, std::memory_order_release);
  }
}

}  // namespace

int main() {
  constexpr long kHandOffs = 200000;
  std::vector<double> runs;
  for (int run = 0; run < 5; ++run) {
    turn.store(0);
    const auto start = std::chrono::steady_clock::now();
    std::thread other(hand_off, 1, kHandOffs);
    hand_off(0, kHandOffs);
    other.join();
    runs.push_back(std::chrono::duration<double, std::nano>(std::chrono::steady_clock::now() - start).count() /
                   kHandOffs);
  }
  std::sort(runs.begin(), runs.end());
  std::printf("%.1f\n", runs[runs.size() / 2]);
}

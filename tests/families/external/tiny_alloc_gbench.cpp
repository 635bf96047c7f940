// A tiny Google Benchmark binary for the preload tests: BM_alloc makes exactly
// one 48-byte allocation per iteration (and 1000 more before its timed loop, which
// must not be counted); BM_hot spends its time in tiny_gbench_hot_function, which
// a profile of it must show.
#include <benchmark/benchmark.h>

#include <array>
#include <memory>
#include <vector>

static void BM_alloc(benchmark::State& state) {
  // Set-up outside the timed loop: 1000 allocations the counts must not include.
  std::vector<std::unique_ptr<int>> setup;
  for (int i = 0; i < 1000; ++i) setup.push_back(std::make_unique<int>(i));
  for (auto _ : state) {
    auto* block = new std::array<char, 48>;
    benchmark::DoNotOptimize(block);
    delete block;
  }
}
BENCHMARK(BM_alloc);

__attribute__((noinline)) unsigned long tiny_gbench_hot_function(unsigned long n) {
  unsigned long sum = 0;
  for (unsigned long i = 0; i < n; ++i) {
    sum += i * i;
    benchmark::DoNotOptimize(sum);
  }
  return sum;
}

static void BM_hot(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(tiny_gbench_hot_function(20000));
}
BENCHMARK(BM_hot);

BENCHMARK_MAIN();

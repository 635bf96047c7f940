// A tiny Google Benchmark binary the gbench tests measure: ordinary benchmarks
// with arguments and counters, one that reports an error, and one that never
// ends (selected only by the timeout test).
#include <benchmark/benchmark.h>

#include <unistd.h>

static void BM_loop(benchmark::State& state) {
  std::int64_t sum = 0;
  for (auto _ : state) {
    sum += state.range(0);
#ifdef VELO_TINY_GBENCH_BASE
    for (std::int64_t i = 0; i < state.range(0); ++i) benchmark::DoNotOptimize(sum += i);  // the base's extra work
#endif
    benchmark::DoNotOptimize(sum);
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["widgets"] = 3;
  state.counters["speed"] = 7;
}
#ifndef VELO_TINY_GBENCH_BASE
BENCHMARK(BM_loop)->Arg(1)->Arg(8);
#else
// tiny_gbench_base, the "base build" of the paired-run tests (tests/cli/external_paired_test.cpp):
// BM_loop/8 is new in head, and BM_retired exists only here.
BENCHMARK(BM_loop)->Arg(1);

static void BM_retired(benchmark::State& state) {
  for (auto _ : state) benchmark::ClobberMemory();
}
BENCHMARK(BM_retired);
#endif

static void BM_error(benchmark::State& state) {
  for (auto _ : state) {
    state.SkipWithError("the fixture is broken");
    break;
  }
}
BENCHMARK(BM_error);

static void BM_hang(benchmark::State& state) {
  for (auto _ : state) {
    for (;;) ::pause();
  }
}
BENCHMARK(BM_hang);

BENCHMARK_MAIN();

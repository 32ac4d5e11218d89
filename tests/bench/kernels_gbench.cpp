// Native kernel benchmarks (Google Benchmark) over every variant of the gate-matmul
// families and the cells: build with -DSHELFCAST_BUILD_BENCH=ON, run
//   build/native/tests/bench/shelfcast_kernels_gbench [--benchmark_filter=...]
// Names: family/variant [pattern]/m=rows. Cases come from kernel_cases.h (the wasm
// harness, kernels_wasm.cpp, times the same list under Node).
#include <benchmark/benchmark.h>

#include "kernel_cases.h"

int main(int argc, char** argv) {
  static const std::vector<shelfcast::bench::KernelCase> cases = shelfcast::bench::MakeKernelCases(64, 1, {1, 128});
  for (const auto& c : cases) {
    std::string name = c.family + "/" + c.name + "/m=" + std::to_string(c.m);
    for (char& ch : name) ch = ch == ' ' ? '_' : ch;  // one token per name in the console table
    benchmark::RegisterBenchmark(name.c_str(),
                                 [&c](benchmark::State& state) {
                                   for (auto _ : state) c.run();
                                 });
  }
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}

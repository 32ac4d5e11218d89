// The kernel benchmark cases (kernel_cases.h) timed in WebAssembly under Node, where
// Google Benchmark does not build: build the wasm tree with -DSHELFCAST_BUILD_BENCH=ON
// and run `node build/wasm/tests/bench/shelfcast_kernels_wasm.cjs [hidden] [rounds]`.
// Per case: warm-up until V8 has tiered the code up, then `rounds` timed rounds of
// ~5 ms each interleaved across cases (machine load hits every case alike); prints the
// median time per call, the spread (min..max of the rounds) and the ratio to the dense
// f32-gemm variant the runtime uses for that row count.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <map>

#include "kernel_cases.h"

namespace {

double NowUs() {
  return std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

}  // namespace

int main(int argc, char** argv) {
  const size_t hidden = argc > 1 ? std::strtoul(argv[1], nullptr, 10) : 64;
  const int rounds = argc > 2 ? std::atoi(argv[2]) : 15;
  const std::vector<shelfcast::bench::KernelCase> cases = shelfcast::bench::MakeKernelCases(hidden, 1, {1, 128});
  std::vector<size_t> iterations(cases.size());
  std::vector<std::vector<double>> samples(cases.size());
  for (size_t i = 0; i < cases.size(); ++i) {
    const double start = NowUs();
    size_t n = 0;
    while (NowUs() - start < 50000.0 || n < 20) {  // warm-up: 50 ms
      cases[i].run();
      ++n;
    }
    iterations[i] = std::max<size_t>(1, static_cast<size_t>(n * 5000.0 / (NowUs() - start)));
  }
  for (int r = 0; r < rounds; ++r) {
    for (size_t i = 0; i < cases.size(); ++i) {
      const double start = NowUs();
      for (size_t n = 0; n < iterations[i]; ++n) cases[i].run();
      samples[i].push_back((NowUs() - start) / static_cast<double>(iterations[i]));
    }
  }
  std::map<size_t, double> dense;  // the runtime's dense float kernel per row count
  std::vector<double> median(cases.size());
  for (size_t i = 0; i < cases.size(); ++i) {
    std::vector<double> s = samples[i];
    std::sort(s.begin(), s.end());
    median[i] = s[s.size() / 2];
    const char* pick = cases[i].m == 1 ? "f32_gemm_ukernel_1x16__simd" : "f32_gemm_ukernel_6x8__simd";
    if (cases[i].name == pick) dense[cases[i].m] = median[i];
  }
  std::printf("LSTM-%zu step, wasm: us per call, median and min..max over %d rounds; speed-up = dense f32 median /"
              " median (the dense f32 kernel the runtime uses at that row count)\n\n", hidden, rounds);
  std::printf("| family | variant | rows | median us | min..max | speed-up |\n|---|---|---|---|---|---|\n");
  for (size_t i = 0; i < cases.size(); ++i) {
    std::vector<double> s = samples[i];
    std::sort(s.begin(), s.end());
    const double ref = dense.count(cases[i].m) ? dense[cases[i].m] : 0.0;
    std::printf("| %s | %s | %zu | %.3f | %.3f..%.3f | %s |\n", cases[i].family.c_str(), cases[i].name.c_str(),
                cases[i].m, median[i], s.front(), s.back(),
                ref > 0 && cases[i].family.find("cell") == std::string::npos && cases[i].family != "qs8-vcvt"
                    ? (std::to_string(ref / median[i]).substr(0, 4) + "x").c_str()
                    : "");
  }
  return 0;
}

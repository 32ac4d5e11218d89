// The kernel benchmark cases (kernel_cases.h) timed in WebAssembly under Node, where
// Google Benchmark does not build: build the wasm tree with -DSHELFCAST_BUILD_BENCH=ON
// and run `node build/wasm/tests/bench/shelfcast_kernels_wasm.cjs [hidden] [rounds]`.
// Per case: warm-up until V8 has tiered the code up, then `rounds` timed rounds of
// ~5 ms each interleaved across cases (machine load hits every case alike); prints the
// median time per call, the spread (min..max of the rounds) and the speed-up over the
// dense f32-gemm variant the runtime uses for that row count, from the best rounds (on a
// shared machine the median wanders with other processes; the best round does not).
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
  // The runtime's dense float kernel per row count (what F32GemmForGemv/ForBatch pick).
  std::map<size_t, double> dense;
  std::vector<double> median(cases.size()), best(cases.size());
  for (size_t i = 0; i < cases.size(); ++i) {
    std::vector<double> s = samples[i];
    std::sort(s.begin(), s.end());
    median[i] = s[s.size() / 2];
    best[i] = s.front();
    const char* pick = cases[i].m == 1 ? shelfcast::F32GemmForGemv(true, 4 * hidden).name : shelfcast::F32GemmForBatch(true).name;
    if (cases[i].family == "f32-gemm" && cases[i].name == pick) dense[cases[i].m] = best[i];
  }
  std::printf("LSTM-%zu step, wasm: us per call, median and min..max over %d rounds; speed-up = best round of the"
              " dense f32 kernel the runtime uses at that row count / best round\n\n", hidden, rounds);
  std::printf("| family | variant | rows | median us | min..max | speed-up (best) |\n|---|---|---|---|---|---|\n");
  for (size_t i = 0; i < cases.size(); ++i) {
    std::vector<double> s = samples[i];
    std::sort(s.begin(), s.end());
    const double ref = dense.count(cases[i].m) ? dense[cases[i].m] : 0.0;
    const double ratio = ref / best[i];
    std::printf("| %s | %s | %zu | %.3f | %.3f..%.3f | %s |\n", cases[i].family.c_str(), cases[i].name.c_str(),
                cases[i].m, median[i], s.front(), s.back(),
                ref > 0 && cases[i].family.find("cell") == std::string::npos && cases[i].family != "qs8-vcvt"
                    ? (std::to_string(ratio).substr(0, 4) + "x").c_str()
                    : "");
  }
  return 0;
}

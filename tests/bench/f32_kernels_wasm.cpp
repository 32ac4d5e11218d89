// The f32 kernels as the browser runs them: every f32-gemm and f32-lstm-cell variant of
// the .inc lists, compiled to wasm SIMD128 and timed under Node (V8), on the LSTM gate
// shapes. scripts/bench.sh builds it with em++ and runs it; it prints one JSON document.
// Times are per call, the minimum over 7 samples of >= 20 ms each (the least disturbed by
// other processes on a shared machine), in wall and process CPU time.
#include <emscripten.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <vector>

#include "kernels/f32-gemm/f32-gemm.h"
#include "kernels/f32-lstm-cell/f32-lstm-cell.h"

EM_JS(double, process_cpu_us, (), {
  const u = process.cpuUsage();
  return u.user + u.system;
});

namespace {

using namespace shelfcast;

struct Timing {
  double wall_ns, cpu_ns;
};

template <class F>
Timing Measure(F f) {
  for (int i = 0; i < 200; ++i) f();
  Timing best{1e30, 1e30};
  for (int sample = 0; sample < 7; ++sample) {
    const auto w0 = std::chrono::steady_clock::now();
    const double c0 = process_cpu_us();
    long calls = 0;
    double wall = 0;
    do {
      for (int i = 0; i < 100; ++i) f();
      calls += 100;
      wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - w0).count();
    } while (wall < 0.02);
    const double cpu = (process_cpu_us() - c0) * 1e-6;
    best.wall_ns = std::min(best.wall_ns, wall / calls * 1e9);
    best.cpu_ns = std::min(best.cpu_ns, cpu / calls * 1e9);
  }
  return best;
}

}  // namespace

int main() {
  std::printf("{\"gemm\": [");
  bool first = true;
  for (size_t hidden : {16, 32, 64}) {
    for (size_t m : {1, 4, 128}) {
      const size_t k = hidden + 1, n = 4 * hidden;
      std::vector<float> a(m * k), b(k * n), bias(n), c(m * n);
      for (size_t i = 0; i < a.size(); ++i) a[i] = static_cast<float>(i % 7) * 0.1f - 0.3f;
      for (size_t i = 0; i < b.size(); ++i) b[i] = static_cast<float>(i % 11) * 0.01f - 0.05f;
      for (const F32GemmVariant& v : F32GemmVariants()) {
        const std::vector<float> packed = PackF32GemmWeights(v.nr, k, n, b.data(), bias.data());
        const Timing t = Measure([&] { F32Gemm(v, m, n, k, a.data(), k, packed.data(), c.data(), n); });
        const double flops = 2.0 * m * n * k;
        std::printf("%s\n {\"variant\": \"%s\", \"hidden\": %zu, \"m\": %zu, \"wall_ns\": %.1f, \"cpu_ns\": %.1f, "
                    "\"gflops_wall\": %.2f, \"gflops_cpu\": %.2f}",
                    first ? "" : ",", v.name, hidden, m, t.wall_ns, t.cpu_ns, flops / t.wall_ns, flops / t.cpu_ns);
        first = false;
      }
    }
  }
  std::printf("],\n\"cell\": [");
  first = true;
  for (size_t hidden : {16, 32, 64}) {
    std::vector<float> gates(4 * hidden), c(hidden), h(hidden);
    for (size_t i = 0; i < gates.size(); ++i) gates[i] = static_cast<float>(i % 13) * 0.4f - 2.4f;
    for (const F32LstmCellVariant& v : F32LstmCellVariants()) {
      if (v.recurrent_activation != Activation::kSigmoid) continue;
      const Timing t = Measure([&] {
        v.fn(hidden, gates.data(), c.data(), h.data());
        for (float& x : c) x *= 0.5f;  // keep the state bounded
      });
      std::printf("%s\n {\"variant\": \"%s\", \"hidden\": %zu, \"ns_per_unit_wall\": %.3f, \"ns_per_unit_cpu\": %.3f}",
                  first ? "" : ",", v.name, hidden, t.wall_ns / hidden, t.cpu_ns / hidden);
      first = false;
    }
  }
  std::printf("]}\n");
  return 0;
}

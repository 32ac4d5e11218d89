// Kernel benchmark (Google Benchmark): each f32-gemm variant of the one .inc list, and
// XNNPACK's f32 fully-connected operator, on the LSTM gate matmul
// gates[m][4H] = [x, h][m][H+1] x [W; U][H+1][4H] for H = 16, 32, 64 and m = 1 (batch 1),
// 4 (one row block), 500 (batch 500); each f32-lstm-cell variant; and the machine's peak:
// independent 128-bit multiply + add chains (what wasm SIMD128 without FMA can reach) and
// 256-bit FMA chains (native AVX2).
//
//   build/bench/tests/bench/shelfcast_kernel_bench --benchmark_format=json
// Counter "GFLOPs" is 2 m n k per iteration over the time; "peak_GFLOPs" of the peak runs.
#include <benchmark/benchmark.h>

#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "kernels/f32-gemm/f32-gemm.h"
#include "kernels/f32-lstm-cell/f32-lstm-cell.h"

#if SHELFCAST_HAVE_XNNPACK
#include <xnnpack.h>
#endif
#if defined(__x86_64__)
#include <immintrin.h>
#endif

namespace {

using shelfcast::F32GemmVariant;

std::vector<float> Random(size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> u(-1.f, 1.f);
  std::vector<float> v(n);
  for (float& x : v) x = u(rng);
  return v;
}

void SetFlops(benchmark::State& state, double flops_per_iter) {
  state.counters["GFLOPs"] = benchmark::Counter(flops_per_iter * 1e-9, benchmark::Counter::kIsIterationInvariantRate);
}

void Gemm(benchmark::State& state, const F32GemmVariant& v, size_t m, size_t hidden) {
  const size_t k = hidden + 1, n = 4 * hidden;
  const std::vector<float> a = Random(m * k, 1), b = Random(k * n, 2), bias = Random(n, 3);
  const std::vector<float> packed = shelfcast::PackF32GemmWeights(v.nr, k, n, b.data(), bias.data());
  std::vector<float> c(m * n);
  for (auto _ : state) {
    shelfcast::F32Gemm(v, m, n, k, a.data(), k, packed.data(), c.data(), n);
    benchmark::DoNotOptimize(c.data());
    benchmark::ClobberMemory();
  }
  SetFlops(state, 2.0 * m * n * k);
}

#if SHELFCAST_HAVE_XNNPACK
void XnnpackFullyConnected(benchmark::State& state, size_t m, size_t hidden) {
  const size_t k = hidden + 1, n = 4 * hidden;
  if (xnn_initialize(nullptr) != xnn_status_success) {
    state.SkipWithError("xnn_initialize failed");
    return;
  }
  // XNNPACK's kernel is [output channels][input channels].
  const std::vector<float> a = Random(m * k, 1), w = Random(n * k, 2), bias = Random(n, 3);
  std::vector<float> c(m * n);
  xnn_operator_t op = nullptr;
  if (xnn_create_fully_connected_nc_f32(k, n, k, n, w.data(), bias.data(), -INFINITY, INFINITY, 0, &op) !=
          xnn_status_success ||
      xnn_setup_fully_connected_nc_f32(op, m, a.data(), c.data(), nullptr) != xnn_status_success) {
    state.SkipWithError("XNNPACK fully-connected setup failed");
    return;
  }
  for (auto _ : state) {
    xnn_run_operator(op, nullptr);
    benchmark::DoNotOptimize(c.data());
    benchmark::ClobberMemory();
  }
  xnn_delete_operator(op);
  SetFlops(state, 2.0 * m * n * k);
}
#endif

void Cell(benchmark::State& state, const shelfcast::F32LstmCellVariant& v, size_t units) {
  std::vector<float> gates = Random(4 * units, 4), c = Random(units, 5), h(units);
  for (auto _ : state) {
    v.fn(units, gates.data(), c.data(), h.data());
    benchmark::DoNotOptimize(h.data());
    for (float& x : c) x *= 0.5f;  // keep the state bounded over iterations
  }
  state.counters["ns_per_unit"] = benchmark::Counter(
      static_cast<double>(units) * 1e-9, benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
}

#if defined(__x86_64__)
// Peak arithmetic throughput. SIMD128 without FMA: 10 independent multiply chains and 10
// independent add chains, 20 x 4 = 80 flops per inner iteration: enough chains to cover
// 4-5 cycles of latency at 2 multiplies + 2 adds per cycle. Twenty accumulators need
// more than x86's 16 xmm registers, so the function is compiled for AVX-512VL (32
// registers) but still issues 128-bit multiplies and adds, as wasm SIMD128 does; without
// AVX-512 it falls back to 6 + 6 chains. AVX2: 10 independent FMA chains, 160 flops.
// The factors are 1 and 0 hidden from the compiler (so it cannot fold them away): the
// chains then keep their values, which never drift into subnormals (x86 is ~100x slower
// on those, which would measure the microcode assist instead of the arithmetic).
float Opaque(float v) {
  asm volatile("" : "+x"(v));
  return v;
}

template <int kChains>
inline void PeakSseChains(benchmark::State& state) {
  __m128 mul[kChains], add[kChains];
  const __m128 x = _mm_set1_ps(Opaque(1.f)), y = _mm_set1_ps(Opaque(0.f));
  for (int i = 0; i < kChains; ++i) mul[i] = add[i] = _mm_set1_ps(static_cast<float>(i + 1));
  const int64_t inner = 1024;
  for (auto _ : state) {
    for (int64_t r = 0; r < inner; ++r)
      for (int i = 0; i < kChains; ++i) {
        mul[i] = _mm_mul_ps(mul[i], x);
        add[i] = _mm_add_ps(add[i], y);
      }
    benchmark::DoNotOptimize(mul);
    benchmark::DoNotOptimize(add);
  }
  state.counters["peak_GFLOPs"] =
      benchmark::Counter(inner * kChains * 8 * 1e-9, benchmark::Counter::kIsIterationInvariantRate);
}

__attribute__((target("avx512f,avx512vl"), noinline)) void PeakSse20(benchmark::State& state) {
  PeakSseChains<10>(state);
}
__attribute__((noinline)) void PeakSse12(benchmark::State& state) { PeakSseChains<6>(state); }

__attribute__((target("avx2,fma"), noinline)) void PeakAvx2Fma(benchmark::State& state) {
  __m256 acc[10], x = _mm256_set1_ps(Opaque(1.f)), y = _mm256_set1_ps(Opaque(0.f));
  for (int i = 0; i < 10; ++i) acc[i] = _mm256_set1_ps(static_cast<float>(i));
  const int64_t inner = 1024;
  for (auto _ : state) {
    for (int64_t r = 0; r < inner; ++r)
      for (int i = 0; i < 10; ++i) acc[i] = _mm256_fmadd_ps(acc[i], x, y);
    benchmark::DoNotOptimize(acc);
  }
  state.counters["peak_GFLOPs"] = benchmark::Counter(inner * 160 * 1e-9, benchmark::Counter::kIsIterationInvariantRate);
}
#endif

}  // namespace

int main(int argc, char** argv) {
#if defined(__x86_64__)
  if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl"))
    benchmark::RegisterBenchmark("peak/sse_mul_add_128", PeakSse20);
  else
    benchmark::RegisterBenchmark("peak/sse_mul_add_128", PeakSse12);
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"))
    benchmark::RegisterBenchmark("peak/avx2_fma_256", PeakAvx2Fma);
#endif
  for (size_t hidden : {16, 32, 64}) {
    for (size_t m : {1, 4, 500}) {
      const std::string shape = "/H" + std::to_string(hidden) + "/m" + std::to_string(m);
      for (const F32GemmVariant& v : shelfcast::F32GemmVariants())
        benchmark::RegisterBenchmark(("f32_gemm/" + std::string(v.name) + shape).c_str(),
                                     [&v, m, hidden](benchmark::State& s) { Gemm(s, v, m, hidden); });
#if SHELFCAST_HAVE_XNNPACK
      benchmark::RegisterBenchmark(("xnnpack/fully_connected_nc_f32" + shape).c_str(),
                                   [m, hidden](benchmark::State& s) { XnnpackFullyConnected(s, m, hidden); });
#endif
    }
    for (const shelfcast::F32LstmCellVariant& v : shelfcast::F32LstmCellVariants())
      if (v.recurrent_activation == shelfcast::Activation::kSigmoid)
        benchmark::RegisterBenchmark(("f32_lstm_cell/" + std::string(v.name) + "/H" + std::to_string(hidden)).c_str(),
                                     [&v, hidden](benchmark::State& s) { Cell(s, v, hidden); });
  }
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}

// SIMD f32-gemm variants (wasm SIMD128 / SSE4.1 through kernels/simd.h).
//
// MRxNR register tiles: MR rows of A times one packed block of NR columns, accumulated
// in MR * NR/4 vector registers; each step of k loads NR/4 weight vectors once and
// broadcasts one A value per row. 1x16/1x24 serve batch 1 (GEMV), 4x8/6x8 batches
// (x86 and V8 have 16 vector registers: 6x8 uses 12 accumulators + 2 weights + 1 splat).
// Rows past mr alias the last valid row (their loads and stores repeat its values), so
// no branch sits in the inner loop.
#include "kernels/f32-gemm/f32-gemm.h"

#if SHELFCAST_HAVE_SIMD
namespace shelfcast {
namespace {

template <size_t MR, size_t NR>
inline void GemmSimd(size_t mr, size_t nc, size_t kc, const float* a, size_t a_stride,
                     const float* w, float* c, size_t c_stride) {
  constexpr size_t NV = NR / 4;
  const float* arow[MR];
  float* crow[MR];
  for (size_t i = 0; i < MR; ++i) {
    const size_t r = i < mr ? i : mr - 1;
    arow[i] = a + r * a_stride;
    crow[i] = c + r * c_stride;
  }
  for (size_t j0 = 0; j0 < nc; j0 += NR) {
    simd::f32x4 acc[MR][NV];
    for (size_t v = 0; v < NV; ++v) {
      const simd::f32x4 b = simd::load(w + 4 * v);
      for (size_t i = 0; i < MR; ++i) acc[i][v] = b;
    }
    const float* wk = w + NR;
    for (size_t k = 0; k < kc; ++k) {
      simd::f32x4 wv[NV];
      for (size_t v = 0; v < NV; ++v) wv[v] = simd::load(wk + 4 * v);
      for (size_t i = 0; i < MR; ++i) {
        const simd::f32x4 ai = simd::splat(arow[i][k]);
        for (size_t v = 0; v < NV; ++v) acc[i][v] = simd::add(acc[i][v], simd::mul(ai, wv[v]));
      }
      wk += NR;
    }
    w += NR * (kc + 1);
    if (nc - j0 >= NR) {
      for (size_t i = MR; i-- > 0;)
        for (size_t v = 0; v < NV; ++v) simd::store(crow[i] + j0 + 4 * v, acc[i][v]);
    } else {
      const size_t n = nc - j0;
      for (size_t i = MR; i-- > 0;) {
        float tmp[NR];
        for (size_t v = 0; v < NV; ++v) simd::store(tmp + 4 * v, acc[i][v]);
        for (size_t j = 0; j < n; ++j) crow[i][j0 + j] = tmp[j];
      }
    }
  }
}

}  // namespace

void f32_gemm_ukernel_1x16__simd(size_t mr, size_t nc, size_t kc, const float* a, size_t a_stride,
                                 const float* w, float* c, size_t c_stride) {
  GemmSimd<1, 16>(mr, nc, kc, a, a_stride, w, c, c_stride);
}
// One row, 24 columns: 6 accumulators, so 6 independent add chains per step of k (1x16's
// 4 chains wait on the ~3-cycle add latency: 4 adds per 3 cycles against 2 per cycle).
// Six, not eight: V8 issues a step's weight loads ahead of its arithmetic, so the
// accumulators, the broadcast and the loaded weights must fit its 15 vector registers
// together (6 + 1 + 6); with eight, one accumulator lives on the stack and every step of
// k waits on a store-to-load round trip (1x32 in the tables of docs/benchmarks.md).
// Named vectors, not an array: LLVM then keeps them out of the wasm stack frame.
void f32_gemm_ukernel_1x24__simd(size_t, size_t nc, size_t kc, const float* a, size_t,
                                 const float* w, float* c, size_t) {
  for (size_t j0 = 0; j0 < nc; j0 += 24) {
    simd::f32x4 c0 = simd::load(w), c1 = simd::load(w + 4), c2 = simd::load(w + 8);
    simd::f32x4 c3 = simd::load(w + 12), c4 = simd::load(w + 16), c5 = simd::load(w + 20);
    const float* wk = w + 24;
    for (size_t k = 0; k < kc; ++k) {
      const simd::f32x4 ak = simd::load_splat(a + k);
      c0 = simd::add(c0, simd::mul(ak, simd::load(wk)));
      c1 = simd::add(c1, simd::mul(ak, simd::load(wk + 4)));
      c2 = simd::add(c2, simd::mul(ak, simd::load(wk + 8)));
      c3 = simd::add(c3, simd::mul(ak, simd::load(wk + 12)));
      c4 = simd::add(c4, simd::mul(ak, simd::load(wk + 16)));
      c5 = simd::add(c5, simd::mul(ak, simd::load(wk + 20)));
      wk += 24;
    }
    w = wk;
    alignas(16) float tmp[24];
    const bool whole = nc - j0 >= 24;
    float* out = whole ? c + j0 : tmp;
    simd::store(out, c0);
    simd::store(out + 4, c1);
    simd::store(out + 8, c2);
    simd::store(out + 12, c3);
    simd::store(out + 16, c4);
    simd::store(out + 20, c5);
    if (!whole)
      for (size_t j = 0; j < nc - j0; ++j) c[j0 + j] = tmp[j];
  }
}
void f32_gemm_ukernel_4x8__simd(size_t mr, size_t nc, size_t kc, const float* a, size_t a_stride,
                                const float* w, float* c, size_t c_stride) {
  GemmSimd<4, 8>(mr, nc, kc, a, a_stride, w, c, c_stride);
}
void f32_gemm_ukernel_6x8__simd(size_t mr, size_t nc, size_t kc, const float* a, size_t a_stride,
                                const float* w, float* c, size_t c_stride) {
  GemmSimd<6, 8>(mr, nc, kc, a, a_stride, w, c, c_stride);
}

}  // namespace shelfcast
#endif

// SIMD f32-gemm variants (wasm SIMD128 / SSE4.1 through kernels/simd.h).
//
// MRxNR register tiles: MR rows of A times one packed block of NR columns, accumulated
// in MR * NR/4 vector registers; each step of k loads NR/4 weight vectors once and
// broadcasts one A value per row. 1x16/1x32 serve batch 1 (GEMV), 4x8/6x8 batches
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
void f32_gemm_ukernel_1x32__simd(size_t mr, size_t nc, size_t kc, const float* a, size_t a_stride,
                                 const float* w, float* c, size_t c_stride) {
  GemmSimd<1, 32>(mr, nc, kc, a, a_stride, w, c, c_stride);
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

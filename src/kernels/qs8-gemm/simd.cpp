// SIMD qs8-gemm variants (wasm SIMD128 / SSE4.1 through kernels/simd.h).
//
// MRxNR register tiles of int32 accumulators. Per k-pair: NR/4 loads of 8 int8 weights
// sign-extended to int16 (4 columns x 2 rows each), and per row one broadcast of the
// activation pair (a 32-bit load) and NR/4 dot products (8 MACs each). 1x16 serves
// batch 1; 4x8 batches (8 accumulators + 2 weight vectors + 1 broadcast in registers).
// Integer sums are exact, so every variant equals the reference bit for bit.
// Rows past mr alias the last valid row, so the inner loop has no branch.
#include "kernels/qs8-gemm/qs8-gemm.h"

#if SHELFCAST_HAVE_SIMD
namespace shelfcast {
namespace {

template <size_t MR, size_t NR>
inline void GemmSimd(size_t mr, size_t nc, size_t kc, const int16_t* a, size_t a_stride, const int8_t* w,
                     int32_t* c, size_t c_stride) {
  constexpr size_t NV = NR / 4;
  const int16_t* arow[MR];
  int32_t* crow[MR];
  for (size_t i = 0; i < MR; ++i) {
    const size_t r = i < mr ? i : mr - 1;
    arow[i] = a + r * a_stride;
    crow[i] = c + r * c_stride;
  }
  for (size_t j0 = 0; j0 < nc; j0 += NR) {
    simd::i32x4 acc[MR][NV];
    for (size_t i = 0; i < MR; ++i)
      for (size_t v = 0; v < NV; ++v) acc[i][v] = simd::i32_zero();
    for (size_t kp = 0; kp < kc; kp += 2) {
      simd::i32x4 wv[NV];
      for (size_t v = 0; v < NV; ++v) wv[v] = simd::i16_load_i8(w + 8 * v);
      w += 2 * NR;
      for (size_t i = 0; i < MR; ++i) {
        const simd::i32x4 pair = simd::i32_load_splat(arow[i] + kp);
        for (size_t v = 0; v < NV; ++v) acc[i][v] = simd::i32_add(acc[i][v], simd::i32_dot_i16(wv[v], pair));
      }
    }
    if (nc - j0 >= NR) {
      for (size_t i = MR; i-- > 0;)
        for (size_t v = 0; v < NV; ++v) simd::i32_store(crow[i] + j0 + 4 * v, acc[i][v]);
    } else {
      for (size_t i = MR; i-- > 0;) {
        int32_t tmp[NR];
        for (size_t v = 0; v < NV; ++v) simd::i32_store(tmp + 4 * v, acc[i][v]);
        for (size_t j = 0; j < nc - j0; ++j) crow[i][j0 + j] = tmp[j];
      }
    }
  }
}

}  // namespace

void qs8_gemm_ukernel_1x16__simd(size_t mr, size_t nc, size_t kc, const int16_t* a, size_t a_stride,
                                 const int8_t* w, int32_t* c, size_t c_stride) {
  GemmSimd<1, 16>(mr, nc, kc, a, a_stride, w, c, c_stride);
}

void qs8_gemm_ukernel_4x8__simd(size_t mr, size_t nc, size_t kc, const int16_t* a, size_t a_stride,
                                const int8_t* w, int32_t* c, size_t c_stride) {
  GemmSimd<4, 8>(mr, nc, kc, a, a_stride, w, c, c_stride);
}

}  // namespace shelfcast
#endif

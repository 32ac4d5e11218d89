// SIMD f32-spmm variants (wasm SIMD128 / SSE4.1 through kernels/simd.h), NR = 4: one
// vector holds a block's 4 outputs. Per stored entry: one load of the 4 weights, and
// per row one broadcast load of a[k] (v128.load32_splat), a multiply and an add.
// MR = 4 reuses each weight vector for 4 rows (batches). Rows past mr alias the last
// valid row, so the inner loop has no branch.
#include "kernels/f32-spmm/f32-spmm.h"

#if SHELFCAST_HAVE_SIMD
namespace shelfcast {
namespace {

template <size_t MR>
inline void SpmmSimd4(size_t mr, size_t nc, const float* a, size_t a_stride, const uint32_t* index,
                      const float* values, float* c, size_t c_stride) {
  const float* arow[MR];
  float* crow[MR];
  for (size_t i = 0; i < MR; ++i) {
    const size_t r = i < mr ? i : mr - 1;
    arow[i] = a + r * a_stride;
    crow[i] = c + r * c_stride;
  }
  for (size_t j0 = 0; j0 < nc; j0 += 4) {
    simd::f32x4 acc[MR];
    const simd::f32x4 bias = simd::load(values);
    values += 4;
    for (size_t i = 0; i < MR; ++i) acc[i] = bias;
    const uint32_t entries = *index++;
    for (uint32_t e = 0; e < entries; ++e) {
      const uint32_t k = index[e];
      const simd::f32x4 w = simd::load(values);
      values += 4;
      for (size_t i = 0; i < MR; ++i) acc[i] = simd::add(acc[i], simd::mul(simd::load_splat(arow[i] + k), w));
    }
    index += entries;
    if (nc - j0 >= 4) {
      for (size_t i = MR; i-- > 0;) simd::store(crow[i] + j0, acc[i]);
    } else {
      for (size_t i = MR; i-- > 0;) {
        float tmp[4];
        simd::store(tmp, acc[i]);
        for (size_t j = 0; j < nc - j0; ++j) crow[i][j0 + j] = tmp[j];
      }
    }
  }
}

}  // namespace

void f32_spmm_ukernel_1x4__simd(size_t mr, size_t nc, const float* a, size_t a_stride,
                                const uint32_t* index, const float* values, float* c, size_t c_stride) {
  SpmmSimd4<1>(mr, nc, a, a_stride, index, values, c, c_stride);
}

void f32_spmm_ukernel_4x4__simd(size_t mr, size_t nc, const float* a, size_t a_stride,
                                const uint32_t* index, const float* values, float* c, size_t c_stride) {
  SpmmSimd4<4>(mr, nc, a, a_stride, index, values, c, c_stride);
}

}  // namespace shelfcast
#endif

// SIMD qs8-spmm variants, NR = 4: per stored pair, 8 int8 weights sign-extend into one
// int16 vector (4 columns x 2 rows) and one dot product per row adds 8 MACs. MR = 4
// reuses the weight vector for 4 rows. Rows past mr alias the last valid row.
#include "kernels/qs8-spmm/qs8-spmm.h"

#if SHELFCAST_HAVE_SIMD
namespace shelfcast {
namespace {

template <size_t MR>
inline void SpmmSimd4(size_t mr, size_t nc, const int16_t* a, size_t a_stride, const uint32_t* index,
                      const int8_t* w, int32_t* c, size_t c_stride) {
  const int16_t* arow[MR];
  int32_t* crow[MR];
  for (size_t i = 0; i < MR; ++i) {
    const size_t r = i < mr ? i : mr - 1;
    arow[i] = a + r * a_stride;
    crow[i] = c + r * c_stride;
  }
  for (size_t j0 = 0; j0 < nc; j0 += 4) {
    simd::i32x4 acc[MR];
    for (size_t i = 0; i < MR; ++i) acc[i] = simd::i32_zero();
    const uint32_t entries = *index++;
    for (uint32_t e = 0; e < entries; ++e) {
      const uint32_t k = index[e];
      const simd::i32x4 wv = simd::i16_load_i8(w);
      w += 8;
      for (size_t i = 0; i < MR; ++i)
        acc[i] = simd::i32_add(acc[i], simd::i32_dot_i16(wv, simd::i32_load_splat(arow[i] + k)));
    }
    index += entries;
    if (nc - j0 >= 4) {
      for (size_t i = MR; i-- > 0;) simd::i32_store(crow[i] + j0, acc[i]);
    } else {
      for (size_t i = MR; i-- > 0;) {
        int32_t tmp[4];
        simd::i32_store(tmp, acc[i]);
        for (size_t j = 0; j < nc - j0; ++j) crow[i][j0 + j] = tmp[j];
      }
    }
  }
}

}  // namespace

void qs8_spmm_ukernel_1x4__simd(size_t mr, size_t nc, const int16_t* a, size_t a_stride,
                                const uint32_t* index, const int8_t* w, int32_t* c, size_t c_stride) {
  SpmmSimd4<1>(mr, nc, a, a_stride, index, w, c, c_stride);
}

void qs8_spmm_ukernel_4x4__simd(size_t mr, size_t nc, const int16_t* a, size_t a_stride,
                                const uint32_t* index, const int8_t* w, int32_t* c, size_t c_stride) {
  SpmmSimd4<4>(mr, nc, a, a_stride, index, w, c, c_stride);
}

}  // namespace shelfcast
#endif

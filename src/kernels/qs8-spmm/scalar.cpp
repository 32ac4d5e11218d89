// Reference qs8-spmm variants: plain integer loops over the packed entries.
#include "kernels/qs8-spmm/qs8-spmm.h"

namespace shelfcast {
namespace {

template <size_t NR>
void SpmmScalar(size_t mr, size_t nc, const int16_t* a, size_t a_stride, const uint32_t* index,
                const int8_t* w, int32_t* c, size_t c_stride) {
  for (size_t i = 0; i < mr; ++i) {
    const uint32_t* idx = index;
    const int8_t* wk = w;
    for (size_t j0 = 0; j0 < nc; j0 += NR) {
      int32_t acc[NR] = {0};
      const uint32_t entries = *idx++;
      for (uint32_t e = 0; e < entries; ++e) {
        const int32_t a0 = a[i * a_stride + idx[e]], a1 = a[i * a_stride + idx[e] + 1];
        for (size_t j = 0; j < NR; ++j) acc[j] += a0 * wk[2 * j] + a1 * wk[2 * j + 1];
        wk += 2 * NR;
      }
      idx += entries;
      const size_t n = nc - j0 < NR ? nc - j0 : NR;
      for (size_t j = 0; j < n; ++j) c[i * c_stride + j0 + j] = acc[j];
    }
  }
}

}  // namespace

void qs8_spmm_ukernel_1x1__scalar(size_t mr, size_t nc, const int16_t* a, size_t a_stride,
                                  const uint32_t* index, const int8_t* w, int32_t* c, size_t c_stride) {
  SpmmScalar<1>(mr, nc, a, a_stride, index, w, c, c_stride);
}

}  // namespace shelfcast

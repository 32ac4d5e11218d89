// Reference f32-spmm variants: plain loops over the packed entries, the twins every SIMD
// variant is tested against (and what non-SIMD builds run).
#include "kernels/f32-spmm/f32-spmm.h"

namespace shelfcast {
namespace {

template <size_t NR>
void SpmmScalar(size_t mr, size_t nc, const float* a, size_t a_stride, const uint32_t* index,
                const float* values, float* c, size_t c_stride) {
  for (size_t i = 0; i < mr; ++i) {
    const uint32_t* idx = index;
    const float* w = values;
    for (size_t j0 = 0; j0 < nc; j0 += NR) {
      float acc[NR];
      for (size_t j = 0; j < NR; ++j) acc[j] = w[j];
      w += NR;
      const uint32_t entries = *idx++;
      for (uint32_t e = 0; e < entries; ++e) {
        const float x = a[i * a_stride + idx[e]];
        for (size_t j = 0; j < NR; ++j) acc[j] += x * w[j];
        w += NR;
      }
      idx += entries;
      const size_t n = nc - j0 < NR ? nc - j0 : NR;
      for (size_t j = 0; j < n; ++j) c[i * c_stride + j0 + j] = acc[j];
    }
  }
}

}  // namespace

void f32_spmm_ukernel_1x1__scalar(size_t mr, size_t nc, const float* a, size_t a_stride,
                                  const uint32_t* index, const float* values, float* c, size_t c_stride) {
  SpmmScalar<1>(mr, nc, a, a_stride, index, values, c, c_stride);
}

}  // namespace shelfcast

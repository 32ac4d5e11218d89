// Reference qs8-gemm variants: plain integer loops over the packed pairs.
#include "kernels/qs8-gemm/qs8-gemm.h"

namespace shelfcast {
namespace {

template <size_t MR, size_t NR>
void GemmScalar(size_t mr, size_t nc, size_t kc, const int16_t* a, size_t a_stride, const int8_t* w,
                int32_t* c, size_t c_stride) {
  for (size_t j0 = 0; j0 < nc; j0 += NR) {
    const size_t n = nc - j0 < NR ? nc - j0 : NR;
    for (size_t i = 0; i < mr; ++i) {
      int32_t acc[NR] = {0};
      const int8_t* wk = w;
      for (size_t kp = 0; kp < kc; kp += 2) {
        const int32_t a0 = a[i * a_stride + kp], a1 = a[i * a_stride + kp + 1];
        for (size_t j = 0; j < NR; ++j) acc[j] += a0 * wk[2 * j] + a1 * wk[2 * j + 1];
        wk += 2 * NR;
      }
      for (size_t j = 0; j < n; ++j) c[i * c_stride + j0 + j] = acc[j];
    }
    w += NR * kc;
  }
}

}  // namespace

void qs8_gemm_ukernel_1x4__scalar(size_t mr, size_t nc, size_t kc, const int16_t* a, size_t a_stride,
                                  const int8_t* w, int32_t* c, size_t c_stride) {
  GemmScalar<1, 4>(mr, nc, kc, a, a_stride, w, c, c_stride);
}

}  // namespace shelfcast

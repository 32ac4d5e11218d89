// Reference f32-gemm variants: plain loops, the twin every SIMD variant is tested against.
#include "kernels/f32-gemm/f32-gemm.h"

namespace shelfcast {
namespace {

template <size_t MR, size_t NR>
void GemmScalar(size_t mr, size_t nc, size_t kc, const float* a, size_t a_stride,
                const float* w, float* c, size_t c_stride) {
  for (size_t j0 = 0; j0 < nc; j0 += NR) {
    const size_t n = nc - j0 < NR ? nc - j0 : NR;
    for (size_t i = 0; i < mr; ++i) {
      float acc[NR];
      for (size_t j = 0; j < NR; ++j) acc[j] = w[j];
      for (size_t k = 0; k < kc; ++k)
        for (size_t j = 0; j < NR; ++j) acc[j] += a[i * a_stride + k] * w[NR + k * NR + j];
      for (size_t j = 0; j < n; ++j) c[i * c_stride + j0 + j] = acc[j];
    }
    w += NR * (kc + 1);
  }
}

}  // namespace

void f32_gemm_ukernel_1x4__scalar(size_t mr, size_t nc, size_t kc, const float* a, size_t a_stride,
                                  const float* w, float* c, size_t c_stride) {
  GemmScalar<1, 4>(mr, nc, kc, a, a_stride, w, c, c_stride);
}

void f32_gemm_ukernel_4x4__scalar(size_t mr, size_t nc, size_t kc, const float* a, size_t a_stride,
                                  const float* w, float* c, size_t c_stride) {
  GemmScalar<4, 4>(mr, nc, kc, a, a_stride, w, c, c_stride);
}

}  // namespace shelfcast

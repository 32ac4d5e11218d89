#include "kernels/qs8-gemm/qs8-gemm.h"

#include <cstring>

namespace shelfcast {

const std::vector<Qs8GemmVariant>& Qs8GemmVariants() {
  static const std::vector<Qs8GemmVariant> variants = {
#define SHELFCAST_QS8_GEMM_VARIANT(fn, mr, nr) {#fn, fn, mr, nr},
#include "kernels/qs8-gemm/qs8-gemm.inc"
#undef SHELFCAST_QS8_GEMM_VARIANT
  };
  return variants;
}

const Qs8GemmVariant& Qs8GemmReference() { return Qs8GemmVariants().front(); }

static const Qs8GemmVariant& ByName(const char* name) {
  for (const Qs8GemmVariant& v : Qs8GemmVariants())
    if (std::strcmp(v.name, name) == 0) return v;
  return Qs8GemmReference();
}

const Qs8GemmVariant& Qs8GemmForGemv(bool use_simd) {
  if (!use_simd || !SHELFCAST_HAVE_SIMD) return Qs8GemmReference();
  return ByName("qs8_gemm_ukernel_1x16__simd");
}

const Qs8GemmVariant& Qs8GemmForBatch(bool use_simd) {
  if (!use_simd || !SHELFCAST_HAVE_SIMD) return Qs8GemmReference();
  return ByName("qs8_gemm_ukernel_4x8__simd");
}

Qs8GemmWeights PackQs8GemmWeights(size_t nr, size_t k, size_t nc, const int8_t* w) {
  Qs8GemmWeights p;
  p.nr = nr;
  p.kc = (k + 1) & ~static_cast<size_t>(1);
  p.nc = nc;
  const size_t blocks = (nc + nr - 1) / nr;
  p.w.assign(blocks * nr * p.kc, 0);
  int8_t* out = p.w.data();
  for (size_t j0 = 0; j0 < nc; j0 += nr) {
    for (size_t kp = 0; kp < p.kc; kp += 2) {
      for (size_t j = 0; j < nr && j0 + j < nc; ++j) {
        out[2 * j] = w[kp * nc + j0 + j];
        if (kp + 1 < k) out[2 * j + 1] = w[(kp + 1) * nc + j0 + j];
      }
      out += 2 * nr;
    }
  }
  return p;
}

void Qs8Gemm(const Qs8GemmVariant& v, size_t m, const int16_t* a, size_t a_stride,
             const Qs8GemmWeights& weights, int32_t* c, size_t c_stride) {
  for (size_t i = 0; i < m; i += v.mr) {
    const size_t mr = m - i < v.mr ? m - i : v.mr;
    v.ukernel(mr, weights.nc, weights.kc, a + i * a_stride, a_stride, weights.w.data(), c + i * c_stride,
              c_stride);
  }
}

}  // namespace shelfcast

#include "kernels/f32-gemm/f32-gemm.h"

#include <cstring>

namespace shelfcast {

const std::vector<F32GemmVariant>& F32GemmVariants() {
  static const std::vector<F32GemmVariant> variants = {
#define SHELFCAST_F32_GEMM_VARIANT(fn, mr, nr) {#fn, fn, mr, nr},
#include "kernels/f32-gemm/f32-gemm.inc"
#undef SHELFCAST_F32_GEMM_VARIANT
  };
  return variants;
}

const F32GemmVariant& F32GemmReference() { return F32GemmVariants().front(); }

static const F32GemmVariant& ByName(const char* name) {
  for (const F32GemmVariant& v : F32GemmVariants())
    if (std::strcmp(v.name, name) == 0) return v;
  return F32GemmReference();
}

const F32GemmVariant& F32GemmForGemv(bool use_simd, size_t nc) {
  if (!use_simd || !SHELFCAST_HAVE_SIMD) return ByName("f32_gemm_ukernel_1x4__scalar");
  // 1x24 runs 6 add chains instead of 1x16's 4 (simd.cpp), but computes nc rounded up to
  // 24 columns: it pays on wide rows that pad little. Measured in wasm under Node, one row
  // of the LSTM gate shapes (k = n / 4 + 1; tests/bench/f32_kernels_wasm.cpp): n = 256
  // (LSTM-64, 3 % padding) ~15 % faster; n = 128 (12.5 %) even; n = 64 slower.
  const size_t padding = (nc + 23) / 24 * 24 - nc;
  if (nc >= 96 && 16 * padding <= nc) return ByName("f32_gemm_ukernel_1x24__simd");
  return ByName("f32_gemm_ukernel_1x16__simd");
}

const F32GemmVariant& F32GemmForBatch(bool use_simd) {
  if (!use_simd || !SHELFCAST_HAVE_SIMD) return ByName("f32_gemm_ukernel_4x4__scalar");
  // 4x8, not 6x8: its 8 accumulators + 2 weight vectors + 1 splat fit the 15 vector
  // registers V8 allocates on x64; 6x8's 12 accumulators spill to the stack. On the LSTM-64
  // gate shape (k 65, n 256, 128 rows) in wasm: ~48 GFLOP/s against ~28.
  return ByName("f32_gemm_ukernel_4x8__simd");
}

std::vector<float> PackF32GemmWeights(size_t nr, size_t kc, size_t nc, const float* b,
                                      const float* bias) {
  const size_t blocks = (nc + nr - 1) / nr;
  std::vector<float> packed(blocks * nr * (kc + 1), 0.f);
  float* out = packed.data();
  for (size_t j0 = 0; j0 < nc; j0 += nr) {
    const size_t n = nc - j0 < nr ? nc - j0 : nr;
    for (size_t j = 0; j < n; ++j) out[j] = bias ? bias[j0 + j] : 0.f;
    out += nr;
    for (size_t k = 0; k < kc; ++k) {
      for (size_t j = 0; j < n; ++j) out[j] = b[k * nc + j0 + j];
      out += nr;
    }
  }
  return packed;
}

void F32Gemm(const F32GemmVariant& v, size_t m, size_t nc, size_t kc, const float* a,
             size_t a_stride, const float* packed_w, float* c, size_t c_stride) {
  for (size_t i = 0; i < m; i += v.mr) {
    const size_t mr = m - i < v.mr ? m - i : v.mr;
    v.ukernel(mr, nc, kc, a + i * a_stride, a_stride, packed_w, c + i * c_stride, c_stride);
  }
}

}  // namespace shelfcast

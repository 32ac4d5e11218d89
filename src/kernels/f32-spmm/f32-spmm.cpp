#include "kernels/f32-spmm/f32-spmm.h"

#include <cstring>

namespace shelfcast {

const std::vector<F32SpmmVariant>& F32SpmmVariants() {
  static const std::vector<F32SpmmVariant> variants = {
#define SHELFCAST_F32_SPMM_VARIANT(fn, mr, nr) {#fn, fn, mr, nr},
#include "kernels/f32-spmm/f32-spmm.inc"
#undef SHELFCAST_F32_SPMM_VARIANT
  };
  return variants;
}

const F32SpmmVariant& F32SpmmReference() { return F32SpmmVariants().front(); }

static const F32SpmmVariant& ByName(const char* name) {
  for (const F32SpmmVariant& v : F32SpmmVariants())
    if (std::strcmp(v.name, name) == 0) return v;
  return F32SpmmReference();
}

const F32SpmmVariant& F32SpmmForGemv(bool use_simd) {
  if (!use_simd || !SHELFCAST_HAVE_SIMD) return F32SpmmReference();
  return ByName("f32_spmm_ukernel_1x4__simd");
}

const F32SpmmVariant& F32SpmmForBatch(bool use_simd) {
  if (!use_simd || !SHELFCAST_HAVE_SIMD) return F32SpmmReference();
  return ByName("f32_spmm_ukernel_4x4__simd");
}

// Load-time helpers, kept out of line (wasm bytes).
__attribute__((noinline)) static bool RowHasNonZero(const float* w, size_t nc, size_t k, size_t j0, size_t n) {
  for (size_t j = 0; j < n; ++j)
    if (w[k * nc + j0 + j] != 0.f) return true;
  return false;
}

size_t CountF32SpmmEntries(size_t nr, size_t kc, size_t nc, const float* w) {
  size_t entries = 0;
  for (size_t j0 = 0; j0 < nc; j0 += nr) {
    const size_t n = nc - j0 < nr ? nc - j0 : nr;
    for (size_t k = 0; k < kc; ++k) entries += RowHasNonZero(w, nc, k, j0, n);
  }
  return entries;
}

F32SpmmWeights PackF32SpmmWeights(size_t nr, size_t kc, size_t nc, const float* w, const float* bias) {
  F32SpmmWeights p;
  p.nr = nr;
  p.kc = kc;
  p.nc = nc;
  p.entries = CountF32SpmmEntries(nr, kc, nc, w);
  const size_t blocks = (nc + nr - 1) / nr;
  p.index.assign(blocks + p.entries, 0);
  p.values.assign((blocks + p.entries) * nr, 0.f);
  uint32_t* index = p.index.data();
  float* values = p.values.data();
  for (size_t j0 = 0; j0 < nc; j0 += nr) {
    const size_t n = nc - j0 < nr ? nc - j0 : nr;
    for (size_t j = 0; j < n; ++j) values[j] = bias ? bias[j0 + j] : 0.f;
    values += nr;
    uint32_t* count = index++;
    for (size_t k = 0; k < kc; ++k) {
      if (!RowHasNonZero(w, nc, k, j0, n)) continue;
      *index++ = static_cast<uint32_t>(k);
      for (size_t j = 0; j < n; ++j) values[j] = w[k * nc + j0 + j];
      values += nr;
      ++*count;
    }
  }
  return p;
}

void F32Spmm(const F32SpmmVariant& v, size_t m, const float* a, size_t a_stride,
             const F32SpmmWeights& weights, float* c, size_t c_stride) {
  for (size_t i = 0; i < m; i += v.mr) {
    const size_t mr = m - i < v.mr ? m - i : v.mr;
    v.ukernel(mr, weights.nc, a + i * a_stride, a_stride, weights.index.data(), weights.values.data(),
              c + i * c_stride, c_stride);
  }
}

}  // namespace shelfcast

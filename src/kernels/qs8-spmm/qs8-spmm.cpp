#include "kernels/qs8-spmm/qs8-spmm.h"

#include <cstring>

namespace shelfcast {

const std::vector<Qs8SpmmVariant>& Qs8SpmmVariants() {
  static const std::vector<Qs8SpmmVariant> variants = {
#define SHELFCAST_QS8_SPMM_VARIANT(fn, mr, nr) {#fn, fn, mr, nr},
#include "kernels/qs8-spmm/qs8-spmm.inc"
#undef SHELFCAST_QS8_SPMM_VARIANT
  };
  return variants;
}

const Qs8SpmmVariant& Qs8SpmmReference() { return Qs8SpmmVariants().front(); }

static const Qs8SpmmVariant& ByName(const char* name) {
  for (const Qs8SpmmVariant& v : Qs8SpmmVariants())
    if (std::strcmp(v.name, name) == 0) return v;
  return Qs8SpmmReference();
}

const Qs8SpmmVariant& Qs8SpmmForGemv(bool use_simd) {
  if (!use_simd || !SHELFCAST_HAVE_SIMD) return Qs8SpmmReference();
  return ByName("qs8_spmm_ukernel_1x4__simd");
}

const Qs8SpmmVariant& Qs8SpmmForBatch(bool use_simd) {
  if (!use_simd || !SHELFCAST_HAVE_SIMD) return Qs8SpmmReference();
  return ByName("qs8_spmm_ukernel_4x4__simd");
}

namespace {

int8_t At(const int8_t* w, size_t k, size_t nc, size_t row, size_t col) {
  return row < k ? w[row * nc + col] : 0;
}

// Load-time helper, kept out of line (wasm bytes).
__attribute__((noinline)) bool UnitNonZero(const int8_t* w, size_t k, size_t nc, size_t row, size_t j0, size_t n) {
  for (size_t j = 0; j < n; ++j)
    if (At(w, k, nc, row, j0 + j) != 0 || At(w, k, nc, row + 1, j0 + j) != 0) return true;
  return false;
}

}  // namespace

size_t CountQs8SpmmEntries(size_t nr, size_t k, size_t nc, const int8_t* w) {
  size_t entries = 0;
  for (size_t j0 = 0; j0 < nc; j0 += nr) {
    const size_t n = nc - j0 < nr ? nc - j0 : nr;
    for (size_t row = 0; row < k; row += 2) entries += UnitNonZero(w, k, nc, row, j0, n);
  }
  return entries;
}

Qs8SpmmWeights PackQs8SpmmWeights(size_t nr, size_t k, size_t nc, const int8_t* w) {
  Qs8SpmmWeights p;
  p.nr = nr;
  p.kc = (k + 1) & ~static_cast<size_t>(1);
  p.nc = nc;
  p.entries = CountQs8SpmmEntries(nr, k, nc, w);
  p.index.assign((nc + nr - 1) / nr + p.entries, 0);
  p.w.assign(p.entries * 2 * nr, 0);
  uint32_t* index = p.index.data();
  int8_t* out = p.w.data();
  for (size_t j0 = 0; j0 < nc; j0 += nr) {
    const size_t n = nc - j0 < nr ? nc - j0 : nr;
    uint32_t* count = index++;
    for (size_t row = 0; row < k; row += 2) {
      if (!UnitNonZero(w, k, nc, row, j0, n)) continue;
      *index++ = static_cast<uint32_t>(row);
      for (size_t j = 0; j < n; ++j) {
        out[2 * j] = At(w, k, nc, row, j0 + j);
        out[2 * j + 1] = At(w, k, nc, row + 1, j0 + j);
      }
      out += 2 * nr;
      ++*count;
    }
  }
  return p;
}

void Qs8Spmm(const Qs8SpmmVariant& v, size_t m, const int16_t* a, size_t a_stride,
             const Qs8SpmmWeights& weights, int32_t* c, size_t c_stride) {
  for (size_t i = 0; i < m; i += v.mr) {
    const size_t mr = m - i < v.mr ? m - i : v.mr;
    v.ukernel(mr, weights.nc, a + i * a_stride, a_stride, weights.index.data(), weights.w.data(),
              c + i * c_stride, c_stride);
  }
}

}  // namespace shelfcast

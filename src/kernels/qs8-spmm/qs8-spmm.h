// Kernel family qs8-spmm: int32 C = A * W with int8 activations and a sparse (pruned)
// int8 W: the sparse-int8 twin of qs8-gemm, same number formats (see qs8-gemm.h).
//
// Packing (PackQs8SpmmWeights): output columns in blocks of NR; rows of W in pairs
// (2p, 2p+1), the unit one dot product consumes. A block stores every pair where ANY of
// its 2 * NR weights is non-zero: the pair's first row 2p, and 2 * NR int8 weights
// interleaved as in qs8-gemm (w[2p][j], w[2p+1][j] adjacent). Two streams:
//   index:  per block: entry count E, then E first rows 2p (ascending)
//   w:      per block: E * 2 * NR int8
// NR = 4 pays when pruning removed whole blocks: after 1x4 block pruning to sparsity s a
// 2x4 unit survives with probability 1 - s^2 (19 % at s = 0.9). With scattered zeros
// most units stay non-zero (1 - 0.9^8 = 57 %) and the layer's cost model runs qs8-gemm
// on the same weights instead.
//
// Micro-kernel contract (every variant has exactly this signature):
//   for i < mr (mr <= MR), j < nc: c[i * c_stride + j] = sum_k a[i * a_stride + k] * w[k][j]
// exact in int32, so every variant equals the reference and qs8-gemm bit for bit.
// `a` must hold kc rounded up to even values per row (the pad is zero).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "kernels/simd.h"

namespace shelfcast {

using Qs8SpmmUkernelFn = void (*)(size_t mr, size_t nc, const int16_t* a, size_t a_stride,
                                  const uint32_t* index, const int8_t* w, int32_t* c, size_t c_stride);

struct Qs8SpmmVariant {
  const char* name;
  Qs8SpmmUkernelFn ukernel;
  size_t mr;
  size_t nr;
};

struct Qs8SpmmWeights {
  size_t nr = 1;
  size_t kc = 0;  // rows of W rounded up to even
  size_t nc = 0;
  size_t entries = 0;
  std::vector<uint32_t> index;
  std::vector<int8_t> w;
};

const std::vector<Qs8SpmmVariant>& Qs8SpmmVariants();
const Qs8SpmmVariant& Qs8SpmmReference();
const Qs8SpmmVariant& Qs8SpmmForGemv(bool use_simd);
const Qs8SpmmVariant& Qs8SpmmForBatch(bool use_simd);

// Packs row-major W [k][nc] for NR = nr; zero units are not stored.
Qs8SpmmWeights PackQs8SpmmWeights(size_t nr, size_t k, size_t nc, const int8_t* w);
// Entries such a packing stores (for the layer's cost model).
size_t CountQs8SpmmEntries(size_t nr, size_t k, size_t nc, const int8_t* w);

void Qs8Spmm(const Qs8SpmmVariant& v, size_t m, const int16_t* a, size_t a_stride,
             const Qs8SpmmWeights& weights, int32_t* c, size_t c_stride);

#define SHELFCAST_QS8_SPMM_VARIANT(fn, mr, nr) \
  void fn(size_t, size_t, const int16_t*, size_t, const uint32_t*, const int8_t*, int32_t*, size_t);
#include "kernels/qs8-spmm/qs8-spmm.inc"
#undef SHELFCAST_QS8_SPMM_VARIANT

}  // namespace shelfcast

// Kernel family qs8-gemm: int32 C = A * W with int8 activations and int8 weights, the
// integer core of both int8 LSTM runtimes (dynamic range and full integer).
//
// Number formats:
//   A  int8 values in [-127, 127] held in int16 lanes, row-major, kc even (a zero column
//      pads an odd K): a k-pair (a[2p], a[2p+1]) is one 32-bit load, broadcast to every
//      lane for the dot product.
//   W  int8 in [-127, 127] (symmetric: the format never stores -128).
//   C  int32, exact: |sum| <= kc * 127 * 127 < 2^31 for kc < 133,000 (the caps allow
//      576), so every variant returns the same integers, bit for bit.
// Scales live outside the kernel: the caller rescales C (qs8-vcvt for float gates, the
// integer LSTM cell for fixed-point gates).
//
// Packing (PackQs8GemmWeights): for each block of NR output columns, kc/2 pair rows of
// NR * 2 int8, column-interleaved so each column's two rows are adjacent:
//   w[2p][j0], w[2p+1][j0], w[2p][j0+1], w[2p+1][j0+1], ...  (zeros past nc)
// so 8 bytes sign-extend (v128.load8x8_s / pmovsxbw) into the int16 lanes of 4 columns,
// and one i32x4.dot_i16x8_s (SSE: pmaddwd) adds two products per column: 8 MACs.
//
// Micro-kernel contract (every variant has exactly this signature):
//   for i < mr (mr <= MR), j < nc: c[i * c_stride + j] = sum_{k < kc} a[i * a_stride + k] * w[k][j]
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "kernels/simd.h"

namespace shelfcast {

using Qs8GemmUkernelFn = void (*)(size_t mr, size_t nc, size_t kc, const int16_t* a, size_t a_stride,
                                  const int8_t* packed_w, int32_t* c, size_t c_stride);

struct Qs8GemmVariant {
  const char* name;
  Qs8GemmUkernelFn ukernel;
  size_t mr;
  size_t nr;
};

struct Qs8GemmWeights {
  size_t nr = 4;
  size_t kc = 0;  // even
  size_t nc = 0;
  std::vector<int8_t> w;
};

const std::vector<Qs8GemmVariant>& Qs8GemmVariants();
const Qs8GemmVariant& Qs8GemmReference();
const Qs8GemmVariant& Qs8GemmForGemv(bool use_simd);
const Qs8GemmVariant& Qs8GemmForBatch(bool use_simd);

// Packs row-major W [k][nc] (k rows; padded to an even kc with zeros) for NR = nr.
Qs8GemmWeights PackQs8GemmWeights(size_t nr, size_t k, size_t nc, const int8_t* w);

void Qs8Gemm(const Qs8GemmVariant& v, size_t m, const int16_t* a, size_t a_stride,
             const Qs8GemmWeights& weights, int32_t* c, size_t c_stride);

#define SHELFCAST_QS8_GEMM_VARIANT(fn, mr, nr) \
  void fn(size_t, size_t, size_t, const int16_t*, size_t, const int8_t*, int32_t*, size_t);
#include "kernels/qs8-gemm/qs8-gemm.inc"
#undef SHELFCAST_QS8_GEMM_VARIANT

}  // namespace shelfcast

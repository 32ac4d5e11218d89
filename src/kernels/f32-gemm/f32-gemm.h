// Kernel family f32-gemm: C = bias + A * B on pre-packed B, the gate matmul of the
// float LSTM ([x_t, h_{t-1}] times [W; U]) and of Dense layers.
//
// Micro-kernel contract (every variant has exactly this signature):
//   for i < mr (mr <= the variant's MR), j < nc:
//     c[i * c_stride + j] = w_bias[j] + sum_{k < kc} a[i * a_stride + k] * w[k][j]
// `packed_w` comes from PackF32GemmWeights with the variant's NR: for each block of NR
// output columns, NR bias values then kc rows of NR weights (zero-padded past nc).
// Strides are in elements. Inputs may alias nothing; outputs are written, not added to.
#pragma once

#include <cstddef>
#include <vector>

#include "kernels/simd.h"

namespace shelfcast {

using F32GemmUkernelFn = void (*)(size_t mr, size_t nc, size_t kc, const float* a, size_t a_stride,
                                  const float* packed_w, float* c, size_t c_stride);

struct F32GemmVariant {
  const char* name;
  F32GemmUkernelFn ukernel;
  size_t mr;  // rows per call
  size_t nr;  // columns per packed block
};

// All variants compiled into this build, reference first. Tests and benchmarks loop over
// this list; the runtime picks from it.
const std::vector<F32GemmVariant>& F32GemmVariants();
const F32GemmVariant& F32GemmReference();
// Fastest variant for m == 1 (GEMV, nc output columns) and for m > 1, honouring use_simd.
const F32GemmVariant& F32GemmForGemv(bool use_simd, size_t nc);
const F32GemmVariant& F32GemmForBatch(bool use_simd);

// Packs row-major weights [kc][nc] (b) and bias [nc] (may be null: zeros) for NR = nr.
std::vector<float> PackF32GemmWeights(size_t nr, size_t kc, size_t nc, const float* b,
                                      const float* bias);

// Runs a variant over all m rows.
void F32Gemm(const F32GemmVariant& v, size_t m, size_t nc, size_t kc, const float* a,
             size_t a_stride, const float* packed_w, float* c, size_t c_stride);

// Declarations of every variant, from the one list.
#define SHELFCAST_F32_GEMM_VARIANT(fn, mr, nr) \
  void fn(size_t, size_t, size_t, const float*, size_t, const float*, float*, size_t);
#include "kernels/f32-gemm/f32-gemm.inc"
#undef SHELFCAST_F32_GEMM_VARIANT

}  // namespace shelfcast

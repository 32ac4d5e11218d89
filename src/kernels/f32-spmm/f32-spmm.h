// Kernel family f32-spmm: C = bias + A * W with W sparse (pruned), the gate matmul of
// the float LSTM on sparse-f32 weights ([x_t, h_{t-1}] times [W; U]).
//
// Packing (PackF32SpmmWeights): the output columns are cut into blocks of NR; a block
// stores, for every row k of W where ANY of its NR columns is non-zero, the row index k
// and NR weights (zeros included). NR = 1 is plain compressed-column storage; NR = 4
// lets one SIMD multiply-add serve 4 outputs, which pays when the pruning kept whole
// 1x4 blocks (block pruning) and costs padding when zeros are scattered. Two streams,
// walked in step by the kernel:
//   index:  per block: entry count E, then E row indices k (ascending)
//   values: per block: NR biases, then E * NR weights
//
// Micro-kernel contract (every variant has exactly this signature):
//   for i < mr (mr <= the variant's MR), j < nc:
//     c[i * c_stride + j] = bias[j] + sum over entries k of a[i * a_stride + k] * w[k][j]
// summed in ascending k, one multiply then one add per term (no FMA). A dense kernel
// that sums in the same order adds exact zeros for the skipped terms, so on the same
// weights the sparse result equals the dense f32-gemm result bit for bit (up to the
// sign of an exact zero). Outputs are written, not added to.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "kernels/simd.h"

namespace shelfcast {

using F32SpmmUkernelFn = void (*)(size_t mr, size_t nc, const float* a, size_t a_stride,
                                  const uint32_t* index, const float* values, float* c,
                                  size_t c_stride);

struct F32SpmmVariant {
  const char* name;
  F32SpmmUkernelFn ukernel;
  size_t mr;  // rows per call
  size_t nr;  // output columns per block of the packing it reads
};

struct F32SpmmWeights {
  size_t nr = 1;
  size_t kc = 0;  // rows of W (inner dimension)
  size_t nc = 0;  // columns of W (outputs)
  size_t entries = 0;  // stored (k, block) entries over all blocks
  std::vector<uint32_t> index;
  std::vector<float> values;
};

// All variants compiled into this build, reference first.
const std::vector<F32SpmmVariant>& F32SpmmVariants();
const F32SpmmVariant& F32SpmmReference();
// The variant for m == 1 / m > 1 reading an NR = nr packing; the scalar reference when
// use_simd is false or the build has no SIMD (its NR is 1: pack for the variant chosen).
const F32SpmmVariant& F32SpmmForGemv(bool use_simd);
const F32SpmmVariant& F32SpmmForBatch(bool use_simd);

// Packs row-major W [kc][nc] (zeros are not stored) and bias [nc] (may be null: zeros).
F32SpmmWeights PackF32SpmmWeights(size_t nr, size_t kc, size_t nc, const float* w, const float* bias);

// Entries an NR = nr packing of W would store (the cost model of the layer uses it).
size_t CountF32SpmmEntries(size_t nr, size_t kc, size_t nc, const float* w);

// Runs a variant over all m rows; weights must be packed with the variant's NR.
void F32Spmm(const F32SpmmVariant& v, size_t m, const float* a, size_t a_stride,
             const F32SpmmWeights& weights, float* c, size_t c_stride);

#define SHELFCAST_F32_SPMM_VARIANT(fn, mr, nr)                                               \
  void fn(size_t, size_t, const float*, size_t, const uint32_t*, const float*, float*, size_t);
#include "kernels/f32-spmm/f32-spmm.inc"
#undef SHELFCAST_F32_SPMM_VARIANT

}  // namespace shelfcast

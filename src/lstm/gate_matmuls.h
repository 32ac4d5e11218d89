// The GateMatmul implementations for pruned and int8 weights (internal to the runtime;
// lstm/layer.h describes the stages and MakeLstmLayerRunner picks among them):
//
//   sparse float  [W; U] with a sparse-f32 part: f32-spmm on the stacked matrix, or the
//                 dense f32-gemm when the cost model says the zeros are too scattered
//   int8 dynamic  U (and W when it is int8) as int8: each part's activations ([x_t] and
//                 [h]) quantised per row with their own scale (qs8-vcvt), qs8-gemm or
//                 qs8-spmm into int32, rescaled into the float gates; a float W (the
//                 quantizer keeps the 1 x 4H kernel of a 1-feature model in f16) runs
//                 through f32-gemm with the bias
//
// Quantising x and h separately, not the joined row [x_t, h]: the normalised sales
// input is often several times larger than |h| <= 1, and one shared scale would spend
// most of h's 8 bits on nothing (TFLite's hybrid LSTM quantises them separately too).
#pragma once

#include <initializer_list>
#include <memory>
#include <string>
#include <vector>

#include "core/status.h"
#include "format/model.h"
#include "kernels/qs8-gemm/qs8-gemm.h"
#include "kernels/qs8-spmm/qs8-spmm.h"
#include "lstm/layer.h"

namespace shelfcast {

// Both LSTM weight tensors float (f32, f16, sparse-f32), at least one sparse.
Result<std::unique_ptr<GateMatmul>> MakeSparseF32GateMatmul(const Layer& layer, const KernelOptions& options);

// The recurrent kernel int8 / sparse-int8; the kernel int8, sparse-int8 or float.
Result<std::unique_ptr<GateMatmul>> MakeInt8GateMatmul(const Layer& layer, const KernelOptions& options);

// One int8 weight matrix (rows x cols, int8 or sparse-int8) packed for the int8 kernels:
// for batch 1 and for batches separately, qs8-spmm when its cost model (gate_matmuls.cpp)
// favours the stored zeros, else qs8-gemm. The qs8-spmm variants share one packing (both
// NR = 4, or both the NR = 1 reference), as do qs8-gemm's when their NR agree.
class Qs8Matrix {
 public:
  static Qs8Matrix Make(const Tensor& t, const KernelOptions& options);
  // c[i][0..cols) = a[i][0..kc) * W (int32) for i < m; a holds kc() int16 per row.
  void Run(size_t m, const int16_t* a, size_t a_stride, int32_t* c, size_t c_stride) const;
  size_t kc() const { return kc_; }
  const std::vector<float>& scales() const { return scales_; }
  std::string Describe() const;

 private:
  size_t kc_ = 0;
  std::vector<float> scales_;
  const Qs8GemmVariant* gemm_gemv_ = nullptr;  // null: that path runs qs8-spmm
  const Qs8GemmVariant* gemm_batch_ = nullptr;
  bool batch_uses_gemv_packing_ = false;
  const Qs8SpmmVariant* spmm_gemv_ = nullptr;
  const Qs8SpmmVariant* spmm_batch_ = nullptr;
  Qs8GemmWeights dense_gemv_, dense_batch_;
  Qs8SpmmWeights sparse_;
};

// The names, joined (Describe()); one out-of-line helper keeps the string code small.
std::string JoinNames(std::initializer_list<const char*> names);

// Every entry of an int8 / sparse-int8 tensor as int8, zeros filled in (for packing).
std::vector<int8_t> ExpandInt8(const Tensor& t);
// Every entry of a float-family tensor (f32, f16, sparse-f32), zeros filled in.
std::vector<float> ExpandFloat(const Tensor& t);

}  // namespace shelfcast

#include "lstm/gate_matmuls.h"

#include <algorithm>
#include <cstring>

#include "core/setup_code.h"
#include "kernels/f32-gemm/f32-gemm.h"
#include "kernels/f32-spmm/f32-spmm.h"
#include "kernels/qs8-vcvt/qs8-vcvt.h"

namespace shelfcast {
namespace {

SHELFCAST_SETUP_CODE bool IsFloatFamily(Encoding e) {
  return e == Encoding::kF32 || e == Encoding::kF16 || e == Encoding::kSparseF32;
}

// Cost models: when do the stored zeros pay for the index overhead? Measured for LSTM-64
// in wasm under Node (tests/bench/kernels_wasm.cpp, docs/kernels.md), per row of [W; U]
// (f32) or row pair (int8) and block of 4 columns:
//   batch 1 (1x4 sparse vs 1x16 dense kernels): dense ~0.25 ns (f32 and int8); a stored
//     sparse entry ~0.55 ns (f32) / ~0.52 ns (int8), plus ~2 ns per block of 4 columns;
//   batches, per row (4x4 sparse vs 4x8 dense): dense ~0.16 ns (f32) / ~0.18 ns (int8);
//     an entry ~0.27 ns (f32) / ~0.30 ns (int8), plus ~1 ns per block.
// The scalar reference kernels cost about one unit per multiply-add, dense or sparse,
// plus about one per stored index. Costs in units of 0.01 ns; k counts rows (f32) or row
// pairs (int8).
struct SparseChoice {
  bool gemv = false, batch = false;
};

SHELFCAST_SETUP_CODE SparseChoice SparseWins(bool simd, bool int8, size_t k, size_t n, size_t entries) {
  const size_t blocks = (n + 3) / 4;
  if (!simd) {
    const bool wins = (int8 ? 3 : 2) * entries < (int8 ? 2 : 1) * k * n;
    return {wins, wins};
  }
  return {(int8 ? 52 : 55) * entries + 200 * blocks < 25 * k * blocks,
          (int8 ? 30 : 27) * entries + 100 * blocks < (int8 ? 18 : 16) * k * blocks};
}

// [W; U] as one row-major float matrix (inputs + units rows).
SHELFCAST_SETUP_CODE std::vector<float> StackFloat(const Layer& layer) {
  std::vector<float> w = ExpandFloat(*layer.Find(TensorRole::kKernel));
  const std::vector<float> u = ExpandFloat(*layer.Find(TensorRole::kRecurrentKernel));
  const size_t k = w.size();
  w.resize(k + u.size());  // resize + copy, not insert (StackedWeights in layer.cpp says why)
  std::copy(u.begin(), u.end(), w.begin() + static_cast<std::ptrdiff_t>(k));
  return w;
}

// Batch 1 and batches each run f32-spmm or, where the cost model says the zeros do not
// pay, the dense f32-gemm path on the same weights. The two f32-spmm variants read one
// packing (both NR = 4, or both the NR = 1 reference).
class SparseF32GateMatmul : public GateMatmul {
 public:
  SHELFCAST_SETUP_CODE
  SparseF32GateMatmul(F32SpmmWeights packed, SparseChoice choice, std::unique_ptr<GateMatmul> dense,
                      size_t n, const KernelOptions& options)
      : gemv_(F32SpmmForGemv(options.use_simd)),
        batch_(F32SpmmForBatch(options.use_simd)),
        dense_gemv_(F32GemmForGemv(options.use_simd, n)),
        dense_batch_(F32GemmForBatch(options.use_simd)),
        choice_(choice),
        packed_(std::move(packed)),
        dense_(std::move(dense)) {}

  void Run(size_t m, const float* xh, size_t xh_stride, float* gates, size_t gates_stride) override {
    if (!(m == 1 ? choice_.gemv : choice_.batch)) {
      dense_->Run(m, xh, xh_stride, gates, gates_stride);
    } else {
      F32Spmm(m == 1 ? gemv_ : batch_, m, xh, xh_stride, packed_, gates, gates_stride);
    }
  }

  std::string Describe() const override {
    return JoinNames({choice_.gemv ? gemv_.name : dense_gemv_.name, " (batch 1), ",
                      choice_.batch ? batch_.name : dense_batch_.name, " (batch)"});
  }

 private:
  const F32SpmmVariant& gemv_;
  const F32SpmmVariant& batch_;
  const F32GemmVariant& dense_gemv_;   // what dense_ runs (MakeDenseF32GateMatmul's picks)
  const F32GemmVariant& dense_batch_;
  SparseChoice choice_;
  F32SpmmWeights packed_;
  std::unique_ptr<GateMatmul> dense_;  // null when both paths are sparse
};

// Rows handled together: bounds the scratch (allocated once, never in Run) while
// keeping the batch kernels' 4-row tiles full.
constexpr size_t kTileRows = 16;

class Int8GateMatmul : public GateMatmul {
 public:
  SHELFCAST_SETUP_CODE
  Int8GateMatmul(const Layer& layer, const KernelOptions& options)
      : inputs_(layer.inputs),
        n_(4 * static_cast<size_t>(layer.units)),
        vcvt_(Qs8VcvtFor(options.use_simd)),
        f32_gemv_(F32GemmForGemv(options.use_simd, n_)),
        f32_batch_(F32GemmForBatch(options.use_simd)) {
    const Tensor& w = *layer.Find(TensorRole::kKernel);
    bias_ = ExpandFloat(*layer.Find(TensorRole::kBias));
    if (IsFloatFamily(w.encoding)) {
      const std::vector<float> wf = ExpandFloat(w);
      x_gemv_ = PackF32GemmWeights(f32_gemv_.nr, inputs_, n_, wf.data(), bias_.data());
      x_batch_ = PackF32GemmWeights(f32_batch_.nr, inputs_, n_, wf.data(), bias_.data());
    } else {
      AddPart(0, inputs_, w, options);
    }
    AddPart(inputs_, layer.units, *layer.Find(TensorRole::kRecurrentKernel), options);
    acc_.resize(kTileRows * n_);
  }

  void Run(size_t m, const float* xh, size_t xh_stride, float* gates, size_t gates_stride) override {
    for (size_t i0 = 0; i0 < m; i0 += kTileRows) {
      const size_t t = std::min(kTileRows, m - i0);
      const float* a = xh + i0 * xh_stride;
      float* g = gates + i0 * gates_stride;
      if (x_gemv_.empty()) {
        for (size_t i = 0; i < t; ++i) std::memcpy(g + i * gates_stride, bias_.data(), n_ * sizeof(float));
      } else if (t == 1) {
        F32Gemm(f32_gemv_, 1, n_, inputs_, a, xh_stride, x_gemv_.data(), g, gates_stride);
      } else {
        F32Gemm(f32_batch_, t, n_, inputs_, a, xh_stride, x_batch_.data(), g, gates_stride);
      }
      for (size_t pi = 0; pi < part_count_; ++pi) {
        Part& p = parts_[pi];
        const size_t kc = p.matrix.kc();
        for (size_t i = 0; i < t; ++i) scale_[i] = vcvt_.quantize(p.k, a + i * xh_stride + p.offset, &p.q[i * kc]);
        p.matrix.Run(t, p.q.data(), kc, acc_.data(), n_);
        for (size_t i = 0; i < t; ++i)
          vcvt_.dequantize_accumulate(n_, &acc_[i * n_], scale_[i], p.matrix.scales().data(), g + i * gates_stride);
      }
    }
  }

  SHELFCAST_SETUP_CODE std::string Describe() const override {
    const std::string x = x_gemv_.empty() ? parts_[0].matrix.Describe() : JoinNames({f32_gemv_.name, " / ", f32_batch_.name});
    return JoinNames({x.c_str(), " (x part), ", parts_[part_count_ - 1].matrix.Describe().c_str(), " (h part), ", vcvt_.name});
  }

 private:
  SHELFCAST_SETUP_CODE void AddPart(size_t offset, size_t k, const Tensor& t, const KernelOptions& options) {
    Part& p = parts_[part_count_++];
    p.offset = offset;
    p.k = k;
    p.matrix = Qs8Matrix::Make(t, options);
    p.q.assign(kTileRows * p.matrix.kc(), 0);  // the pad column (odd k) stays 0
  }

  struct Part {
    size_t offset = 0;  // first column of the part in the [x_t, h] row
    size_t k = 0;       // its rows in [W; U]
    Qs8Matrix matrix;
    std::vector<int16_t> q;  // [kTileRows][kc] quantised activations
  };
  size_t inputs_, n_;
  const Qs8VcvtVariant& vcvt_;
  const F32GemmVariant& f32_gemv_;
  const F32GemmVariant& f32_batch_;
  std::vector<float> bias_;
  std::vector<float> x_gemv_, x_batch_;  // float x part packed with the bias (empty when int8)
  Part parts_[2];  // the x part when int8, then the h part
  size_t part_count_ = 0;
  std::vector<int32_t> acc_;  // [kTileRows][n]
  float scale_[kTileRows] = {};
};

}  // namespace

SHELFCAST_SETUP_CODE std::vector<float> ExpandFloat(const Tensor& t) {
  if (t.encoding != Encoding::kSparseF32) return t.dense;
  std::vector<float> out(t.size(), 0.f);
  size_t v = 0;
  for (size_t i = 0; i < out.size(); ++i)
    if (t.mask[i / 8] & (1u << (i % 8))) out[i] = t.sparse_values[v++];
  return out;
}

SHELFCAST_SETUP_CODE std::vector<int8_t> ExpandInt8(const Tensor& t) {
  if (t.encoding == Encoding::kInt8) return t.q;
  std::vector<int8_t> out(t.size(), 0);
  size_t v = 0;
  for (size_t i = 0; i < out.size(); ++i)
    if (t.mask[i / 8] & (1u << (i % 8))) out[i] = t.q[v++];
  return out;
}

SHELFCAST_SETUP_CODE Qs8Matrix Qs8Matrix::Make(const Tensor& t, const KernelOptions& options) {
  Qs8Matrix mat;
  mat.kc_ = (static_cast<size_t>(t.rows) + 1) & ~size_t{1};
  mat.scales_ = t.scales;
  const std::vector<int8_t> w = ExpandInt8(t);
  SparseChoice choice;
  if (t.encoding == Encoding::kSparseInt8) {
    const Qs8SpmmVariant& gemv = Qs8SpmmForGemv(options.use_simd);
    Qs8SpmmWeights packed = PackQs8SpmmWeights(gemv.nr, t.rows, t.cols, w.data());
    choice = SparseWins(options.use_simd && SHELFCAST_HAVE_SIMD, true, mat.kc_ / 2, t.cols, packed.entries);
    if (choice.gemv || choice.batch) {
      mat.spmm_gemv_ = &gemv;
      mat.spmm_batch_ = &Qs8SpmmForBatch(options.use_simd);
      mat.sparse_ = std::move(packed);
    }
  }
  if (!choice.gemv) {
    mat.gemm_gemv_ = &Qs8GemmForGemv(options.use_simd);
    mat.dense_gemv_ = PackQs8GemmWeights(mat.gemm_gemv_->nr, t.rows, t.cols, w.data());
  }
  if (!choice.batch) {
    mat.gemm_batch_ = &Qs8GemmForBatch(options.use_simd);
    if (mat.gemm_gemv_ && mat.gemm_batch_->nr == mat.gemm_gemv_->nr) {
      mat.batch_uses_gemv_packing_ = true;
    } else {
      mat.dense_batch_ = PackQs8GemmWeights(mat.gemm_batch_->nr, t.rows, t.cols, w.data());
    }
  }
  return mat;
}

void Qs8Matrix::Run(size_t m, const int16_t* a, size_t a_stride, int32_t* c, size_t c_stride) const {
  if (m == 1) {
    if (gemm_gemv_) {
      Qs8Gemm(*gemm_gemv_, m, a, a_stride, dense_gemv_, c, c_stride);
    } else {
      Qs8Spmm(*spmm_gemv_, m, a, a_stride, sparse_, c, c_stride);
    }
  } else if (gemm_batch_) {
    Qs8Gemm(*gemm_batch_, m, a, a_stride, batch_uses_gemv_packing_ ? dense_gemv_ : dense_batch_, c, c_stride);
  } else {
    Qs8Spmm(*spmm_batch_, m, a, a_stride, sparse_, c, c_stride);
  }
}

SHELFCAST_SETUP_CODE std::string Qs8Matrix::Describe() const {
  return JoinNames({gemm_gemv_ ? gemm_gemv_->name : spmm_gemv_->name, " / ",
                    gemm_batch_ ? gemm_batch_->name : spmm_batch_->name});
}

SHELFCAST_SETUP_CODE std::string JoinNames(std::initializer_list<const char*> names) {
  std::string s;
  for (const char* n : names) s += n;
  return s;
}

SHELFCAST_SETUP_CODE
Result<std::unique_ptr<GateMatmul>> MakeSparseF32GateMatmul(const Layer& layer, const KernelOptions& options) {
  const std::vector<float> stacked = StackFloat(layer);
  const std::vector<float> bias = ExpandFloat(*layer.Find(TensorRole::kBias));
  const size_t k = layer.inputs + layer.units, n = 4 * static_cast<size_t>(layer.units);
  F32SpmmWeights packed = PackF32SpmmWeights(F32SpmmForGemv(options.use_simd).nr, k, n, stacked.data(), bias.data());
  const SparseChoice choice = SparseWins(options.use_simd && SHELFCAST_HAVE_SIMD, false, k, n, packed.entries);
  std::unique_ptr<GateMatmul> dense;
  if (!choice.gemv || !choice.batch) {
    SHELFCAST_ASSIGN_OR_RETURN(dense, MakeDenseF32GateMatmul(layer, options));
    if (!choice.gemv && !choice.batch) return dense;
  }
  return std::unique_ptr<GateMatmul>(new SparseF32GateMatmul(std::move(packed), choice, std::move(dense), n, options));
}

SHELFCAST_SETUP_CODE
Result<std::unique_ptr<GateMatmul>> MakeInt8GateMatmul(const Layer& layer, const KernelOptions& options) {
  const Encoding u = layer.Find(TensorRole::kRecurrentKernel)->encoding;
  if (u != Encoding::kInt8 && u != Encoding::kSparseInt8)
    return Unsupported(std::string("int8 LSTM: the recurrent kernel is ") + EncodingName(u) + ", not int8");
  return std::unique_ptr<GateMatmul>(new Int8GateMatmul(layer, options));
}

}  // namespace shelfcast

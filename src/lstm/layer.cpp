#include "lstm/layer.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "core/limits.h"
#include "core/setup_code.h"
#include "kernels/f32-gemm/f32-gemm.h"
#include "lstm/gate_matmuls.h"
#include "lstm/integer_layer.h"

namespace shelfcast {
namespace {

// [W; U] as one row-major [(inputs + units)][4 * units] matrix, dequantised to float.
SHELFCAST_SETUP_CODE std::vector<float> StackedWeights(const Layer& layer) {
  const std::vector<float> w = layer.Find(TensorRole::kKernel)->ToDense();
  const std::vector<float> u = layer.Find(TensorRole::kRecurrentKernel)->ToDense();
  // resize + copy, not insert: vector's range insert is 1.5 KB of wasm used nowhere else.
  std::vector<float> stacked(w.size() + u.size());
  std::copy(w.begin(), w.end(), stacked.begin());
  std::copy(u.begin(), u.end(), stacked.begin() + static_cast<std::ptrdiff_t>(w.size()));
  return stacked;
}

class DenseF32GateMatmul : public GateMatmul {
 public:
  SHELFCAST_SETUP_CODE
  DenseF32GateMatmul(const Layer& layer, const KernelOptions& options)
      : k_(layer.inputs + layer.units),
        n_(4 * static_cast<size_t>(layer.units)),
        gemv_(F32GemmForGemv(options.use_simd, n_)),
        gemm_(F32GemmForBatch(options.use_simd)) {
    const std::vector<float> stacked = StackedWeights(layer);
    const std::vector<float> bias = layer.Find(TensorRole::kBias)->ToDense();
    packed_gemv_ = PackF32GemmWeights(gemv_.nr, k_, n_, stacked.data(), bias.data());
    if (gemm_.nr == gemv_.nr) {
      packed_gemm_ = packed_gemv_;
    } else {
      packed_gemm_ = PackF32GemmWeights(gemm_.nr, k_, n_, stacked.data(), bias.data());
    }
  }

  void Run(size_t m, const float* xh, size_t xh_stride, float* gates, size_t gates_stride) override {
    if (m == 1) {
      F32Gemm(gemv_, 1, n_, k_, xh, xh_stride, packed_gemv_.data(), gates, gates_stride);
    } else {
      F32Gemm(gemm_, m, n_, k_, xh, xh_stride, packed_gemm_.data(), gates, gates_stride);
    }
  }

  SHELFCAST_SETUP_CODE std::string Describe() const override {
    return std::string(gemv_.name) + " (batch 1), " + gemm_.name + " (batch)";
  }

  size_t RowBlock() const override { return gemm_.mr; }

 private:
  size_t k_, n_;
  const F32GemmVariant& gemv_;
  const F32GemmVariant& gemm_;
  std::vector<float> packed_gemv_, packed_gemm_;
};

float Activate(Activation a, float x) {
  switch (a) {
    case Activation::kLinear: return x;
    case Activation::kSigmoid: return 1.f / (1.f + std::exp(-x));
    case Activation::kTanh: return std::tanh(x);
    case Activation::kRelu: return x > 0.f ? x : 0.f;
    case Activation::kHardSigmoid: return std::min(std::max(0.2f * x + 0.5f, 0.f), 1.f);
    case Activation::kHardSigmoidRelu6: return std::min(std::max(x + 3.f, 0.f), 6.f) / 6.f;
  }
  return x;
}

}  // namespace

SHELFCAST_SETUP_CODE
Result<std::unique_ptr<GateMatmul>> MakeDenseF32GateMatmul(const Layer& layer,
                                                           const KernelOptions& options) {
  return std::unique_ptr<GateMatmul>(new DenseF32GateMatmul(layer, options));
}

SHELFCAST_SETUP_CODE
Result<std::unique_ptr<LstmLayerRunner>> MakeLstmLayerRunner(const Layer& layer,
                                                             const KernelOptions& options) {
  const F32LstmCellVariant* cell = F32LstmCellFor(layer.recurrent_activation, options.use_simd);
  if (cell == nullptr)
    return Unsupported(std::string("no LSTM cell kernel for recurrent activation ") +
                       ActivationName(layer.recurrent_activation));
  if (layer.Find(TensorRole::kActivationScales) != nullptr) return MakeIntegerLstmLayer(layer, options);
  const Encoding kernel = layer.Find(TensorRole::kKernel)->encoding;
  const Encoding recurrent = layer.Find(TensorRole::kRecurrentKernel)->encoding;
  const auto is_dense_float = [](Encoding e) { return e == Encoding::kF32 || e == Encoding::kF16; };
  const auto is_float = [&](Encoding e) { return is_dense_float(e) || e == Encoding::kSparseF32; };
  const auto is_int8 = [](Encoding e) { return e == Encoding::kInt8 || e == Encoding::kSparseInt8; };
  std::unique_ptr<GateMatmul> matmul;
  if (is_dense_float(kernel) && is_dense_float(recurrent)) {
    SHELFCAST_ASSIGN_OR_RETURN(matmul, MakeDenseF32GateMatmul(layer, options));
  } else if (is_float(kernel) && is_float(recurrent)) {
    SHELFCAST_ASSIGN_OR_RETURN(matmul, MakeSparseF32GateMatmul(layer, options));
  } else if (is_int8(recurrent)) {
    SHELFCAST_ASSIGN_OR_RETURN(matmul, MakeInt8GateMatmul(layer, options));
  } else {
    return Unsupported(std::string("no LSTM kernel for weight encodings ") + EncodingName(kernel) +
                       " / " + EncodingName(recurrent));
  }
  return std::unique_ptr<LstmLayerRunner>(
      new FloatLstmLayer(layer.inputs, layer.units, std::move(matmul), *cell));
}

SHELFCAST_SETUP_CODE
FloatLstmLayer::FloatLstmLayer(uint32_t inputs, uint32_t units, std::unique_ptr<GateMatmul> matmul,
                               const F32LstmCellVariant& cell)
    : inputs_(inputs), units_(units), matmul_(std::move(matmul)), cell_(cell) {}

void FloatLstmLayer::Reserve(size_t m) {
  if (m <= rows_) return;
  rows_ = m;
  xh_.resize(m * (inputs_ + units_));
  const size_t block = matmul_->RowBlock();
  gates_.resize((block == 0 ? m : std::min(m, block)) * 4 * units_);
  c_.resize(m * units_);
}

void FloatLstmLayer::Reset(size_t m) {
  Reserve(m);
  std::fill(xh_.begin(), xh_.begin() + m * (inputs_ + units_), 0.f);
  std::fill(c_.begin(), c_.begin() + m * units_, 0.f);
}

void FloatLstmLayer::Step(size_t m, const float* x, size_t x_stride) {
  const size_t stride = inputs_ + units_;
  for (size_t i = 0; i < m; ++i) std::memcpy(&xh_[i * stride], x + i * x_stride, inputs_ * sizeof(float));
  // Gates for a block of rows, then the cell update of those rows while their gates are
  // still in L1 (LSTM-64, 4 rows: 4 KB), instead of a round trip of the whole chunk's
  // gates through L2. Row i's gates read only row i's h, so updating h block by block
  // is safe.
  const size_t block = matmul_->RowBlock() == 0 ? m : matmul_->RowBlock();
  for (size_t i0 = 0; i0 < m; i0 += block) {
    const size_t rows = std::min(block, m - i0);
    matmul_->Run(rows, &xh_[i0 * stride], stride, gates_.data(), 4 * units_);
    for (size_t i = 0; i < rows; ++i)
      cell_.fn(units_, &gates_[i * 4 * units_], &c_[(i0 + i) * units_], &xh_[(i0 + i) * stride + inputs_]);
  }
}

void FloatLstmLayer::GetState(size_t row, float* out) const {
  std::memcpy(out, &xh_[row * (inputs_ + units_) + inputs_], units_ * sizeof(float));
  std::memcpy(out + units_, &c_[row * units_], units_ * sizeof(float));
}

void FloatLstmLayer::SetState(size_t row, const float* in) {
  std::memcpy(&xh_[row * (inputs_ + units_) + inputs_], in, units_ * sizeof(float));
  std::memcpy(&c_[row * units_], in + units_, units_ * sizeof(float));
}

SHELFCAST_SETUP_CODE
std::string FloatLstmLayer::Describe() const { return matmul_->Describe() + ", " + cell_.name; }

Result<DenseHead> DenseHead::Make(const Model& model) {
  DenseHead head;
  for (const Layer& layer : model.layers) {
    if (layer.kind != LayerKind::kDense) continue;
    DenseLayer d{layer.inputs, layer.units, layer.activation,
                 layer.Find(TensorRole::kKernel)->ToDense(), layer.Find(TensorRole::kBias)->ToDense()};
    head.max_units_ = std::max<size_t>(head.max_units_, layer.units);
    head.layers_.push_back(std::move(d));
  }
  if (head.layers_.empty()) return InvalidData("the model has no Dense output layer");
  return head;
}

float DenseHead::Run(const float* h) const {
  float buf[2][limits::kMaxHidden];
  const float* in = h;
  float* out = buf[0];
  for (size_t li = 0; li < layers_.size(); ++li) {
    const DenseLayer& d = layers_[li];
    for (uint32_t j = 0; j < d.units; ++j) out[j] = d.bias[j];
    for (uint32_t k = 0; k < d.inputs; ++k) {
      const float x = in[k];
      const float* w = &d.kernel[static_cast<size_t>(k) * d.units];
      for (uint32_t j = 0; j < d.units; ++j) out[j] += x * w[j];
    }
    for (uint32_t j = 0; j < d.units; ++j) out[j] = Activate(d.activation, out[j]);
    in = out;
    out = buf[(li + 1) % 2];
  }
  return in[0];
}

}  // namespace shelfcast

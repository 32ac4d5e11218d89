#include "lstm/integer_layer.h"

#include <cmath>
#include <cstring>

#include "core/setup_code.h"
#include "kernels/fixedpoint.h"
#include "kernels/qs16-lstm-cell/qs16-lstm-cell.h"
#include "lstm/gate_matmuls.h"

namespace shelfcast {
namespace {

int16_t QuantizeStatic(float x, float inverse_scale) {
  const float r = std::nearbyint(x * inverse_scale);
  return static_cast<int16_t>(r > 127.f ? 127.f : (r < -127.f ? -127.f : r));
}

class IntegerLstmLayer : public LstmLayerRunner {
 public:
  SHELFCAST_SETUP_CODE
  IntegerLstmLayer(const Layer& layer, const KernelOptions& options, const Qs16LstmCellVariant& cell)
      : inputs_(layer.inputs),
        units_(layer.units),
        w_(Qs8Matrix::Make(*layer.Find(TensorRole::kKernel), options)),
        u_(Qs8Matrix::Make(*layer.Find(TensorRole::kRecurrentKernel), options)),
        cell_(cell) {
    const std::vector<float>& s = layer.Find(TensorRole::kActivationScales)->dense;
    input_scale_ = s[0];
    inverse_input_scale_ = 1.f / s[0];
    hidden_scale_ = s[1];
    inverse_hidden_scale_ = 1.f / s[1];
    cell_frac_bits_ = 15 - static_cast<int>(std::lround(std::log2(s[2])));
  }

  // Derives the fixed-point parameters; fails on scales the fixed-point forms cannot hold
  // (ValidateModel already refuses them, this keeps the runner safe on its own).
  SHELFCAST_SETUP_CODE Status Init(const Layer& layer, const std::string& name) {
    const size_t n = 4 * static_cast<size_t>(units_);
    input_multiplier_.resize(n);
    recurrent_multiplier_.resize(n);
    bias_q12_.resize(n);
    const std::vector<float> bias = ExpandFloat(*layer.Find(TensorRole::kBias));
    for (size_t j = 0; j < n; ++j) {
      // acc * s_a * s_w is the real gate contribution; times 2^12 gives Q3.12 units.
      if (!MakeFixedMultiplier(static_cast<double>(input_scale_) * w_.scales()[j] * 4096.0, &input_multiplier_[j]) ||
          !MakeFixedMultiplier(static_cast<double>(hidden_scale_) * u_.scales()[j] * 4096.0, &recurrent_multiplier_[j]))
        return InvalidData(name + ": gate column " + std::to_string(j) + " has a scale the Q3.12 gates cannot hold");
      const double b = std::nearbyint(static_cast<double>(bias[j]) * 4096.0);
      bias_q12_[j] = static_cast<int32_t>(b > 1e9 ? 1e9 : (b < -1e9 ? -1e9 : b));  // the sum saturates to int16 anyway
    }
    // o * tanh(c) is Q0.30; h_q = that * 2^-30 / s_h.
    if (!MakeFixedMultiplier(std::ldexp(1.0, -30) / hidden_scale_, &params_.hidden_multiplier))
      return InvalidData(name + ": hidden scale " + std::to_string(hidden_scale_) + " is out of range");
    params_.units = units_;
    params_.input_multiplier = input_multiplier_.data();
    params_.recurrent_multiplier = recurrent_multiplier_.data();
    params_.bias = bias_q12_.data();
    params_.cell_frac_bits = cell_frac_bits_;
    params_.hard_sigmoid = layer.recurrent_activation == Activation::kHardSigmoid;
    return Status::Ok();
  }

  void Reserve(size_t m) override {
    if (m <= rows_) return;
    rows_ = m;
    // resize, not assign: rows already held keep their state (rows never move).
    xq_.resize(m * w_.kc(), 0);
    hq_.resize(m * u_.kc(), 0);
    c_.resize(m * units_);
    h_.resize(m * units_);
    acc_x_.resize(m * 4 * units_);
    acc_h_.resize(m * 4 * units_);
  }

  void Reset(size_t m) override {
    Reserve(m);
    std::fill(hq_.begin(), hq_.begin() + m * u_.kc(), 0);
    std::fill(c_.begin(), c_.begin() + m * units_, 0);
    std::fill(h_.begin(), h_.begin() + m * units_, 0.f);
  }

  void Step(size_t m, const float* x, size_t x_stride) override {
    const size_t kx = w_.kc(), kh = u_.kc(), n = 4 * static_cast<size_t>(units_);
    for (size_t i = 0; i < m; ++i)
      for (size_t k = 0; k < inputs_; ++k) xq_[i * kx + k] = QuantizeStatic(x[i * x_stride + k], inverse_input_scale_);
    w_.Run(m, xq_.data(), kx, acc_x_.data(), n);
    u_.Run(m, hq_.data(), kh, acc_h_.data(), n);
    for (size_t i = 0; i < m; ++i) {
      cell_.fn(params_, &acc_x_[i * n], &acc_h_[i * n], &c_[i * units_], &hq_[i * kh]);
      for (size_t u = 0; u < units_; ++u) h_[i * units_ + u] = static_cast<float>(hq_[i * kh + u]) * hidden_scale_;
    }
  }

  const float* h() const override { return h_.data(); }
  size_t h_stride() const override { return units_; }

  // The state as floats: h = h_q s_h, c = c_q 2^-F. SetState quantises back (exact for
  // a state GetState returned).
  void GetState(size_t row, float* out) const override {
    std::memcpy(out, &h_[row * units_], units_ * sizeof(float));
    for (size_t u = 0; u < units_; ++u) out[units_ + u] = std::ldexp(static_cast<float>(c_[row * units_ + u]), -cell_frac_bits_);
  }

  void SetState(size_t row, const float* in) override {
    const size_t kh = u_.kc();
    for (size_t u = 0; u < units_; ++u) {
      hq_[row * kh + u] = QuantizeStatic(in[u], inverse_hidden_scale_);
      h_[row * units_ + u] = static_cast<float>(hq_[row * kh + u]) * hidden_scale_;
      const float c = std::nearbyint(std::ldexp(in[units_ + u], cell_frac_bits_));
      c_[row * units_ + u] = static_cast<int16_t>(c > 32767.f ? 32767.f : (c < -32768.f ? -32768.f : c));
    }
  }

  SHELFCAST_SETUP_CODE std::string Describe() const override {
    return JoinNames({w_.Describe().c_str(), " (x part), ", u_.Describe().c_str(), " (h part), ", cell_.name,
                      " (full integer)"});
  }

 private:
  uint32_t inputs_, units_;
  Qs8Matrix w_, u_;
  const Qs16LstmCellVariant& cell_;
  float input_scale_ = 1.f, inverse_input_scale_ = 1.f, hidden_scale_ = 1.f, inverse_hidden_scale_ = 1.f;
  int cell_frac_bits_ = 12;
  std::vector<FixedMultiplier> input_multiplier_, recurrent_multiplier_;
  std::vector<int32_t> bias_q12_;
  Qs16LstmCellParams params_;
  size_t rows_ = 0;
  std::vector<int16_t> xq_;    // [rows][kc(W)]: quantised input, pad column 0
  std::vector<int16_t> hq_;    // [rows][kc(U)]: h_q, the recurrent activation row
  std::vector<int16_t> c_;     // [rows][units]: cell state, Q(15-F).F
  std::vector<float> h_;       // [rows][units]: h_q * s_h
  std::vector<int32_t> acc_x_, acc_h_;  // [rows][4 units]
};

}  // namespace

SHELFCAST_SETUP_CODE
Result<std::unique_ptr<LstmLayerRunner>> MakeIntegerLstmLayer(const Layer& layer, const KernelOptions& options) {
  const Qs16LstmCellVariant* cell = Qs16LstmCellFor(layer.recurrent_activation);
  if (cell == nullptr)
    return Unsupported(std::string("the full-integer LSTM has no cell for recurrent activation ") +
                       ActivationName(layer.recurrent_activation));
  std::unique_ptr<IntegerLstmLayer> runner(new IntegerLstmLayer(layer, options, *cell));
  SHELFCAST_RETURN_IF_ERROR(runner->Init(layer, "full-integer LSTM"));
  return std::unique_ptr<LstmLayerRunner>(std::move(runner));
}

}  // namespace shelfcast

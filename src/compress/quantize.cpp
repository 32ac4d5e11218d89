#include <algorithm>
#include <cmath>

#include "compress/compress.h"
#include "format/encoding.h"
#include "format/reader.h"
#include "lstm/features.h"
#include "lstm/layer.h"

namespace shelfcast {
namespace {


Tensor ToF16(const Tensor& t) {
  Tensor h;
  h.role = t.role;
  h.encoding = Encoding::kF16;
  h.rows = t.rows;
  h.cols = t.cols;
  h.dense = t.ToDense();
  for (float& v : h.dense) v = RoundToHalf(v);
  return h;
}

bool IsWeight(TensorRole role) { return role == TensorRole::kKernel || role == TensorRole::kRecurrentKernel; }

float PowerOfTwoRange(float max_abs) {
  float range = 1.f;
  while (range < max_abs && range < 128.f) range *= 2.f;
  return range;
}

}  // namespace

Tensor QuantizeColumns(const Tensor& t, ScaleFormat format) {
  const std::vector<float> w = t.ToDense();
  Tensor q;
  q.role = t.role;
  q.encoding = Encoding::kInt8;
  q.rows = t.rows;
  q.cols = t.cols;
  q.scales.assign(t.cols, 0.f);
  q.q.assign(w.size(), 0);
  for (uint32_t j = 0; j < t.cols; ++j) {
    float amax = 0.f;
    for (uint32_t k = 0; k < t.rows; ++k) amax = std::max(amax, std::fabs(w[static_cast<size_t>(k) * t.cols + j]));
    float s = amax / 127.f;
    if (format == ScaleFormat::kHalf) {
      s = RoundToHalf(s);
      // A column whose scale underflows binary16 still gets the smallest subnormal rather
      // than losing its weights (they then quantise to a few steps).
      if (amax > 0.f && s == 0.f) s = 5.9604645e-08f;
    }
    q.scales[j] = s;
    if (s == 0.f) continue;
    for (uint32_t k = 0; k < t.rows; ++k) {
      const size_t i = static_cast<size_t>(k) * t.cols + j;
      const float r = std::nearbyint(w[i] / s);
      q.q[i] = static_cast<int8_t>(std::min(127.f, std::max(-127.f, r)));
    }
  }
  return q;
}

Result<Model> QuantizeInt8(const Model& model, const QuantizeOptions& options) {
  SHELFCAST_RETURN_IF_ERROR(ValidateModel(model));
  const bool full_integer = options.mode == QuantizeMode::kFullInteger;
  if (full_integer && options.calibration.empty())
    return InvalidArgument("full-integer quantisation needs calibration windows");
  Model out = model;
  for (Layer& layer : out.layers) {
    if (full_integer && layer.kind == LayerKind::kLstm && layer.recurrent_activation != Activation::kSigmoid &&
        layer.recurrent_activation != Activation::kHardSigmoid)
      return Unsupported(std::string("full-integer quantisation: recurrent activation ") +
                         ActivationName(layer.recurrent_activation) + " has no integer cell");
    std::vector<Tensor> tensors;
    for (const Tensor& t : layer.tensors) {
      if (t.role == TensorRole::kActivationScales) continue;  // recalibrated below
      if (!IsWeight(t.role)) {
        tensors.push_back(ToF16(t));
        continue;
      }
      Tensor q = QuantizeColumns(t, ScaleFormat::kHalf);
      const Tensor h = ToF16(t);
      const bool must_be_int8 = full_integer && layer.kind == LayerKind::kLstm;
      tensors.push_back(!must_be_int8 && EncodedTensorBytes(h) <= EncodedTensorBytes(q) ? h : q);
    }
    layer.tensors = std::move(tensors);
  }
  if (full_integer) {
    // Ranges from the weights the integer model will hold, run in float.
    SHELFCAST_ASSIGN_OR_RETURN(const std::vector<ActivationRanges> ranges,
                               MeasureActivationRanges(out, options.calibration));
    size_t lstm_index = 0;
    for (Layer& layer : out.layers) {
      if (layer.kind != LayerKind::kLstm) continue;
      const ActivationRanges& r = ranges[lstm_index++];
      Tensor s;
      s.role = TensorRole::kActivationScales;
      s.encoding = Encoding::kF16;
      s.rows = 1;
      s.cols = kActivationScaleCount;
      // A range of 0 (an input that never moved) keeps the scale of a range of 1.
      s.dense = {RoundToHalf((r.input > 0.f ? r.input : 1.f) / 127.f), RoundToHalf((r.hidden > 0.f ? r.hidden : 1.f) / 127.f),
                 PowerOfTwoRange(r.cell)};
      layer.tensors.push_back(std::move(s));
    }
  }
  if (options.sparsify) SparsifyWhenSmaller(&out);
  SHELFCAST_RETURN_IF_ERROR(ValidateModel(out).WithContext("quantised model"));
  return out;
}

Result<std::vector<ActivationRanges>> MeasureActivationRanges(const Model& model,
                                                              const std::vector<CalibrationWindow>& windows) {
  // The float runtime stages on the dequantised weights: a float copy of the model.
  Model float_model = model;
  for (Layer& layer : float_model.layers) {
    std::vector<Tensor> tensors;
    for (const Tensor& t : layer.tensors) {
      if (t.role == TensorRole::kActivationScales) continue;
      Tensor f;
      f.role = t.role;
      f.rows = t.rows;
      f.cols = t.cols;
      f.dense = t.ToDense();
      tensors.push_back(std::move(f));
    }
    layer.tensors = std::move(tensors);
  }
  std::vector<std::unique_ptr<LstmLayerRunner>> runners;
  for (const Layer& layer : float_model.layers) {
    if (layer.kind != LayerKind::kLstm) continue;
    std::unique_ptr<LstmLayerRunner> r;
    SHELFCAST_ASSIGN_OR_RETURN(r, MakeLstmLayerRunner(layer, KernelOptions{false}));
    runners.push_back(std::move(r));
  }
  std::vector<ActivationRanges> ranges(runners.size());
  const size_t t_window = model.window, f = model.input_features();
  std::vector<float> x(f), state;
  for (size_t w = 0; w < windows.size(); ++w) {
    const CalibrationWindow& cw = windows[w];
    if (cw.sales.size() != t_window)
      return InvalidArgument("calibration window " + std::to_string(w) + " has " + std::to_string(cw.sales.size()) +
                             " values, the model needs " + std::to_string(t_window));
    const WindowScale scale = ScaleForWindow(model, cw.sales.data(), t_window);
    for (auto& r : runners) r->Reset(1);
    for (size_t step = 0; step < t_window; ++step) {
      if (!std::isfinite(cw.sales[step]))
        return InvalidArgument("calibration window " + std::to_string(w) + ", position " + std::to_string(step) +
                               ": value is not a finite number");
      x[0] = scale.Normalise(cw.sales[step]);
      if (f > 1) WriteCalendarFeatures(model.calendar, cw.first_target_day - static_cast<DayNumber>(t_window - step), x.data() + 1);
      const float* in = x.data();
      size_t in_size = f;
      for (size_t li = 0; li < runners.size(); ++li) {
        for (size_t k = 0; k < in_size; ++k) ranges[li].input = std::max(ranges[li].input, std::fabs(in[k]));
        runners[li]->Step(1, in, in_size);
        const size_t units = float_model.layers[li].units;
        state.resize(2 * units);
        runners[li]->GetState(0, state.data());
        for (size_t u = 0; u < units; ++u) {
          ranges[li].hidden = std::max(ranges[li].hidden, std::fabs(state[u]));
          ranges[li].cell = std::max(ranges[li].cell, std::fabs(state[units + u]));
        }
        in = runners[li]->h();
        in_size = units;
      }
    }
  }
  return ranges;
}

}  // namespace shelfcast

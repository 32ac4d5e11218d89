// ValidateModel: the shape and structure rules every model must satisfy before any
// kernel sees it. Kept apart from the byte parser so models built in memory (trainer,
// importers, tests) pass through the same gate.
#include <cmath>
#include <string>

#include "core/limits.h"
#include "format/encoding.h"
#include "format/reader.h"

namespace shelfcast {
namespace {

std::string Shape(uint32_t rows, uint32_t cols) {
  return std::to_string(rows) + "x" + std::to_string(cols);
}

Status CheckTensorStorage(const Tensor& t, const std::string& name) {
  const size_t n = t.size();
  auto wrong = [&](const char* what) {
    return InvalidData(name + ": " + what + " does not match the " + EncodingName(t.encoding) +
                       " encoding of a " + Shape(t.rows, t.cols) + " tensor");
  };
  auto check_finite = [&](const std::vector<float>& v) -> Status {
    for (size_t i = 0; i < v.size(); ++i)
      if (!std::isfinite(v[i]))
        return InvalidData(name + ": value " + std::to_string(i) + " is not a finite number");
    return Status::Ok();
  };
  switch (t.encoding) {
    case Encoding::kF32:
    case Encoding::kF16:
      if (t.dense.size() != n) return wrong("value count");
      return check_finite(t.dense);
    case Encoding::kSparseF32:
      if (t.mask.size() != (n + 7) / 8) return wrong("mask size");
      if (MaskPopCount(t.mask, n) != t.sparse_values.size()) return wrong("stored value count");
      return check_finite(t.sparse_values);
    case Encoding::kInt8:
    case Encoding::kSparseInt8: {
      if (t.scales.size() != t.cols) return wrong("scale count");
      for (float s : t.scales)
        if (!std::isfinite(s) || s < 0.f) return InvalidData(name + ": scales must be finite and >= 0");
      for (int8_t q : t.q)
        if (q == -128) return InvalidData(name + ": int8 value -128 is outside the symmetric range");
      if (t.encoding == Encoding::kInt8) {
        if (t.q.size() != n) return wrong("value count");
      } else {
        if (t.mask.size() != (n + 7) / 8) return wrong("mask size");
        if (MaskPopCount(t.mask, n) != t.q.size()) return wrong("stored value count");
      }
      return Status::Ok();
    }
  }
  return InvalidData(name + ": unknown encoding");
}

// The full-integer LSTM's static scales (TensorRole::kActivationScales). Beyond the
// values themselves, every gate multiplier the runner derives must fit its fixed-point
// form: s_x s_W[j] 2^12 and s_h s_U[j] 2^12 (accumulator -> Q3.12) below 2^30, which
// holds when each product of scales is below 2^18; the hidden multiplier 2^-30 / s_h is
// below 2^30 for s_h >= 2^-40.
// The full-integer LSTM's static scales (TensorRole::kActivationScales). Beyond the
// values themselves, every gate multiplier the runner derives must fit its fixed-point
// form: s_x s_W[j] 2^12 and s_h s_U[j] 2^12 (accumulator -> Q3.12) below 2^30, which
// holds when each product of scales is below 2^18; the hidden multiplier 2^-30 / s_h is
// below 2^30 for s_h >= 2^-40.
Status CheckActivationScales(const Model& model, size_t li, const Tensor& t, const std::string& name) {
  const Layer& layer = model.layers[li];
  const auto bad = [&](const std::string& what) { return InvalidData(name + ": " + what); };
  if (t.encoding != Encoding::kF32 && t.encoding != Encoding::kF16)
    return Unsupported(name + ": activation scales must be f32 or f16, not " + EncodingName(t.encoding));
  if (t.rows != 1 || t.cols != kActivationScaleCount)
    return bad("shape " + Shape(t.rows, t.cols) + " does not match the layer (expected 1x3)");
  if (t.dense.size() != kActivationScaleCount) return bad("holds " + std::to_string(t.dense.size()) + " values, not 3");
  const char* const what[] = {"input scale ", "hidden scale "};
  for (int i = 0; i < 2; ++i)  // [2^-40, 256]; NaN fails the comparison too
    if (!(t.dense[i] >= 9.094947e-13f && t.dense[i] <= 256.f))
      return bad(what[i] + std::to_string(t.dense[i]) + " is outside 2^-40..256");
  bool power_of_two = false;
  for (int e = 0; e <= 7; ++e) power_of_two = power_of_two || t.dense[2] == static_cast<float>(1 << e);
  if (!power_of_two) return bad("cell range " + std::to_string(t.dense[2]) + " is not a power of two in 1..128");
  if (layer.recurrent_activation != Activation::kSigmoid && layer.recurrent_activation != Activation::kHardSigmoid)
    return Unsupported(name + ": the full-integer LSTM needs a sigmoid or hard_sigmoid recurrent activation, not " +
                       ActivationName(layer.recurrent_activation));
  for (int part = 0; part < 2; ++part) {
    const TensorRole role = part == 0 ? TensorRole::kKernel : TensorRole::kRecurrentKernel;
    const Tensor* w = layer.Find(role);
    if (w->encoding != Encoding::kInt8 && w->encoding != Encoding::kSparseInt8)
      return Unsupported(name + ": the full-integer LSTM needs int8 weights, " + TensorName(model, li, role) + " is " +
                         EncodingName(w->encoding));
    for (size_t j = 0; j < w->scales.size(); ++j)
      if (static_cast<double>(t.dense[part]) * w->scales[j] >= 262144.0)
        return bad("the scale of " + TensorName(model, li, role) + " column " + std::to_string(j) +
                   " times the activation scale reaches 2^18, too large for the Q3.12 gates");
  }
  return Status::Ok();
}

Status CheckTensors(const Model& model, size_t li) {
  const Layer& layer = model.layers[li];
  const bool lstm = layer.kind == LayerKind::kLstm;
  const uint32_t gate_cols = lstm ? 4 * layer.units : layer.units;
  struct Expected { TensorRole role; uint32_t rows, cols; };
  const Expected expected[] = {
      {TensorRole::kKernel, layer.inputs, gate_cols},
      {TensorRole::kRecurrentKernel, layer.units, gate_cols},
      {TensorRole::kBias, 1, gate_cols},
  };
  size_t required = 0;
  for (const Expected& e : expected) {
    const std::string name = TensorName(model, li, e.role);
    if (e.role == TensorRole::kRecurrentKernel && !lstm) {
      if (layer.Find(e.role) != nullptr) return InvalidData(name + ": a dense layer has no recurrent kernel");
      continue;
    }
    ++required;
    const Tensor* t = nullptr;
    int count = 0;
    for (const Tensor& candidate : layer.tensors)
      if (candidate.role == e.role) { t = &candidate; ++count; }
    if (count == 0) return InvalidData(name + ": tensor is missing");
    if (count > 1) return InvalidData(name + ": tensor appears " + std::to_string(count) + " times");
    if (t->rows != e.rows || t->cols != e.cols)
      return InvalidData(name + ": shape " + Shape(t->rows, t->cols) + " does not match the layer (expected " +
                         Shape(e.rows, e.cols) + ")");
    if (e.role == TensorRole::kBias && t->encoding != Encoding::kF32 && t->encoding != Encoding::kF16)
      return Unsupported(name + ": biases must be f32 or f16, not " + EncodingName(t->encoding));
    SHELFCAST_RETURN_IF_ERROR(CheckTensorStorage(*t, name));
  }
  size_t scales_count = 0;
  for (const Tensor& t : layer.tensors) {
    if (t.role != TensorRole::kActivationScales) continue;
    const std::string name = TensorName(model, li, t.role);
    if (!lstm) return InvalidData(name + ": only LSTM layers have activation scales");
    if (++scales_count > 1) return InvalidData(name + ": tensor appears more than once");
    SHELFCAST_RETURN_IF_ERROR(CheckActivationScales(model, li, t, name));
  }
  required += scales_count;
  if (layer.tensors.size() != required)
    return InvalidData(std::string(LayerKindName(layer.kind)) + std::to_string(li) + ": has " +
                       std::to_string(layer.tensors.size()) + " tensors, expected " + std::to_string(required));
  return Status::Ok();
}

}  // namespace

Status ValidateModel(const Model& model) {
  if (model.window < 1 || model.window > limits::kMaxWindow)
    return LimitExceeded("window of " + std::to_string(model.window) + " days is outside 1.." +
                         std::to_string(limits::kMaxWindow));
  if (model.horizon < 1 || model.horizon > limits::kMaxHorizon)
    return LimitExceeded("horizon of " + std::to_string(model.horizon) + " days is outside 1.." +
                         std::to_string(limits::kMaxHorizon));
  if ((model.calendar & ~kCalendarKnownBits) != 0)
    return Unsupported("unknown calendar feature bits " + std::to_string(model.calendar));
  if (!std::isfinite(model.norm_offset) || !std::isfinite(model.norm_scale))
    return InvalidData("normalisation parameters must be finite numbers");
  if (model.norm == NormKind::kGlobal && !(model.norm_scale > 0.f))
    return InvalidData("global normalisation needs a scale > 0, got " + std::to_string(model.norm_scale));
  if (model.norm == NormKind::kWindowMean && !(model.norm_offset > 0.f))
    return InvalidData("window-mean normalisation needs an offset > 0 (it keeps all-zero windows finite), got " +
                       std::to_string(model.norm_offset));
  if (model.layers.size() < 2)
    return InvalidData("a model needs at least an LSTM layer and a Dense(1) output layer, found " +
                       std::to_string(model.layers.size()) + " layer(s)");
  if (model.layers.size() > limits::kMaxLayers)
    return LimitExceeded(std::to_string(model.layers.size()) + " layers exceed the cap of " +
                         std::to_string(limits::kMaxLayers));

  uint32_t lstm_layers = 0;
  uint32_t previous_outputs = model.input_features();
  for (size_t li = 0; li < model.layers.size(); ++li) {
    const Layer& layer = model.layers[li];
    const std::string name = std::string(LayerKindName(layer.kind)) + std::to_string(li);
    if (layer.kind == LayerKind::kLstm) {
      if (li != lstm_layers) return Unsupported(name + ": LSTM layers must come before Dense layers");
      if (++lstm_layers > limits::kMaxLstmLayers)
        return LimitExceeded("more than " + std::to_string(limits::kMaxLstmLayers) + " LSTM layers");
      if (layer.activation != Activation::kTanh)
        return Unsupported(name + ": cell activation " + ActivationName(layer.activation) +
                           " is not supported (tanh only)");
      if (layer.recurrent_activation != Activation::kSigmoid &&
          layer.recurrent_activation != Activation::kHardSigmoid &&
          layer.recurrent_activation != Activation::kHardSigmoidRelu6 &&
          layer.recurrent_activation != Activation::kRelu)
        return Unsupported(name + ": recurrent activation " + ActivationName(layer.recurrent_activation) +
                           " is not supported");
    } else if (layer.kind == LayerKind::kDense) {
      if (lstm_layers == 0) return Unsupported(name + ": the first layer must be an LSTM");
      if (layer.activation == Activation::kHardSigmoid || layer.activation == Activation::kHardSigmoidRelu6)
        return Unsupported(name + ": activation " + ActivationName(layer.activation) +
                           " is not supported in Dense layers");
    } else {
      return Unsupported(name + ": unknown layer kind");
    }
    if (layer.units < 1 || layer.units > limits::kMaxHidden)
      return LimitExceeded(name + ": " + std::to_string(layer.units) + " units are outside 1.." +
                           std::to_string(limits::kMaxHidden));
    if (li == 0 && layer.inputs > limits::kMaxInputFeatures)
      return LimitExceeded(name + ": " + std::to_string(layer.inputs) + " input features exceed the cap of " +
                           std::to_string(limits::kMaxInputFeatures));
    if (layer.inputs != previous_outputs) {
      if (li == 0)
        return InvalidData(name + ": takes " + std::to_string(layer.inputs) + " inputs, but the model feeds " +
                           std::to_string(previous_outputs) + " (sales + calendar features)");
      return InvalidData(name + ": takes " + std::to_string(layer.inputs) + " inputs, but the previous layer outputs " +
                         std::to_string(previous_outputs));
    }
    SHELFCAST_RETURN_IF_ERROR(CheckTensors(model, li));
    previous_outputs = layer.units;
  }
  const Layer& last = model.layers.back();
  const std::string last_name = std::string(LayerKindName(last.kind)) + std::to_string(model.layers.size() - 1);
  if (last.kind != LayerKind::kDense || last.units != 1 || last.activation != Activation::kLinear)
    return Unsupported(last_name + ": the output layer must be a linear Dense(1)");
  return Status::Ok();
}

}  // namespace shelfcast

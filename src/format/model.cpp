#include "format/model.h"

namespace shelfcast {

std::vector<float> Tensor::ToDense() const {
  std::vector<float> out(size(), 0.f);
  switch (encoding) {
    case Encoding::kF32:
    case Encoding::kF16:
      out = dense;
      break;
    case Encoding::kSparseF32: {
      size_t v = 0;
      for (size_t i = 0; i < out.size() && v < sparse_values.size(); ++i)
        if (mask[i / 8] & (1u << (i % 8))) out[i] = sparse_values[v++];
      break;
    }
    case Encoding::kInt8:
      for (size_t i = 0; i < out.size() && i < q.size(); ++i) out[i] = q[i] * scales[i % cols];
      break;
    case Encoding::kSparseInt8: {
      size_t v = 0;
      for (size_t i = 0; i < out.size() && v < q.size(); ++i)
        if (mask[i / 8] & (1u << (i % 8))) out[i] = q[v++] * scales[i % cols];
      break;
    }
  }
  return out;
}

size_t Tensor::StoredCount() const {
  switch (encoding) {
    case Encoding::kSparseF32: return sparse_values.size();
    case Encoding::kSparseInt8: return q.size();
    default: return size();
  }
}

const Tensor* Layer::Find(TensorRole role) const {
  for (const Tensor& t : tensors)
    if (t.role == role) return &t;
  return nullptr;
}

Tensor* Layer::Find(TensorRole role) {
  for (Tensor& t : tensors)
    if (t.role == role) return &t;
  return nullptr;
}

uint32_t Model::input_features() const {
  return 1 + ((calendar & kCalendarDayOfWeek) ? 7 : 0) + ((calendar & kCalendarMonth) ? 12 : 0);
}

size_t Model::parameter_count() const {
  size_t n = 0;
  for (const Layer& layer : layers)
    for (const Tensor& t : layer.tensors)
      if (t.role != TensorRole::kActivationScales) n += t.size();
  return n;
}

const char* LayerKindName(LayerKind kind) {
  switch (kind) {
    case LayerKind::kLstm: return "lstm";
    case LayerKind::kDense: return "dense";
  }
  return "unknown";
}

const char* ActivationName(Activation a) {
  switch (a) {
    case Activation::kLinear: return "linear";
    case Activation::kSigmoid: return "sigmoid";
    case Activation::kTanh: return "tanh";
    case Activation::kRelu: return "relu";
    case Activation::kHardSigmoid: return "hard_sigmoid";
    case Activation::kHardSigmoidRelu6: return "hard_sigmoid_relu6";
  }
  return "unknown";
}

const char* EncodingName(Encoding e) {
  switch (e) {
    case Encoding::kF32: return "f32";
    case Encoding::kF16: return "f16";
    case Encoding::kSparseF32: return "sparse-f32";
    case Encoding::kInt8: return "int8";
    case Encoding::kSparseInt8: return "sparse-int8";
  }
  return "unknown";
}

const char* NormKindName(NormKind n) {
  switch (n) {
    case NormKind::kGlobal: return "global";
    case NormKind::kWindowMean: return "window-mean";
  }
  return "unknown";
}

static const char* RoleName(TensorRole role) {
  switch (role) {
    case TensorRole::kKernel: return "kernel";
    case TensorRole::kRecurrentKernel: return "recurrent_kernel";
    case TensorRole::kBias: return "bias";
    case TensorRole::kActivationScales: return "activation_scales";
  }
  return "unknown";
}

std::string TensorName(const Model& model, size_t layer_index, TensorRole role) {
  std::string name = "layer" + std::to_string(layer_index);
  if (layer_index < model.layers.size())
    name = std::string(LayerKindName(model.layers[layer_index].kind)) + std::to_string(layer_index);
  return name + "/" + RoleName(role);
}

static Tensor MakeTensor(TensorRole role, uint32_t rows, uint32_t cols) {
  Tensor t;
  t.role = role;
  t.encoding = Encoding::kF32;
  t.rows = rows;
  t.cols = cols;
  t.dense.assign(static_cast<size_t>(rows) * cols, 0.f);
  return t;
}

Layer MakeLstmLayer(uint32_t inputs, uint32_t units, Activation recurrent_activation) {
  Layer layer;
  layer.kind = LayerKind::kLstm;
  layer.inputs = inputs;
  layer.units = units;
  layer.activation = Activation::kTanh;
  layer.recurrent_activation = recurrent_activation;
  layer.tensors.push_back(MakeTensor(TensorRole::kKernel, inputs, 4 * units));
  layer.tensors.push_back(MakeTensor(TensorRole::kRecurrentKernel, units, 4 * units));
  layer.tensors.push_back(MakeTensor(TensorRole::kBias, 1, 4 * units));
  return layer;
}

Layer MakeDenseLayer(uint32_t inputs, uint32_t units, Activation activation) {
  Layer layer;
  layer.kind = LayerKind::kDense;
  layer.inputs = inputs;
  layer.units = units;
  layer.activation = activation;
  layer.recurrent_activation = Activation::kLinear;
  layer.tensors.push_back(MakeTensor(TensorRole::kKernel, inputs, units));
  layer.tensors.push_back(MakeTensor(TensorRole::kBias, 1, units));
  return layer;
}

Model MakeLstmForecaster(uint32_t hidden, uint32_t window, uint8_t calendar) {
  Model model;
  model.window = window;
  model.calendar = calendar;
  model.layers.push_back(MakeLstmLayer(model.input_features(), hidden));
  model.layers.push_back(MakeDenseLayer(hidden, 1, Activation::kLinear));
  return model;
}

}  // namespace shelfcast

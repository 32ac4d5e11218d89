// The model: what a shelfcast model file holds, in memory.
//
// A model is a forecaster of one series: a window of T raw daily sales (oldest first) is
// normalised, optionally joined with calendar features, run through one or two LSTM
// layers and a head of Dense layers ending in Dense(1), and the output is de-normalised
// back to sales. Weights keep Keras' layout and semantics so models trained elsewhere
// import unchanged:
//   LSTM kernel            [inputs, 4*units]   gates packed i, f, c, o along the columns
//   LSTM recurrent kernel  [units,  4*units]
//   LSTM bias              [1,      4*units]
//   Dense kernel           [inputs, units]
//   Dense bias             [1,      units]
//   i = ra(x W_i + h U_i + b_i), f = ra(...), o = ra(...), c~ = act(x W_c + h U_c + b_c)
//   c' = f * c + i * c~,  h' = o * act(c')       (ra = recurrent activation, act = tanh)
//
// The file format (docs/model-format.md) is read by exactly one bounds-checked reader,
// format/reader.h; nothing else parses model bytes.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace shelfcast {

enum class LayerKind : uint8_t { kLstm = 1, kDense = 2 };

enum class Activation : uint8_t {
  kLinear = 0,
  kSigmoid = 1,      // 1 / (1 + e^-x)
  kTanh = 2,
  kRelu = 3,
  kHardSigmoid = 4,  // clamp(0.2 x + 0.5, 0, 1), the Keras 2 / TF.js definition
  // relu6(x + 3) / 6 = clamp(x + 3, 0, 6) / 6, the Keras 3 definition (its TensorFlow, JAX
  // and PyTorch backends). Same name in Keras, different function: differs from kHardSigmoid
  // by up to 1/12 (at |x| = 2.5), so an importer must pick by the Keras version.
  kHardSigmoidRelu6 = 5,
};

// How raw sales become model inputs and how the model output becomes sales.
enum class NormKind : uint8_t {
  // x' = (x - offset) / scale; y = y' * scale + offset. offset and scale are fitted on
  // training data. A step-by-step (streaming) run equals the window run.
  kGlobal = 1,
  // m = mean(window) + offset; x' = x / m; y = y' * m. scale is unused (1). The scale
  // depends on the whole window, so streaming must re-read the window.
  kWindowMean = 2,
};

// Calendar features appended to the sales input at every step. They describe the day
// AFTER the input day, i.e. the day the step predicts, so the last step carries the
// target day's weekday and month.
enum CalendarFeature : uint8_t {
  kCalendarNone = 0,
  kCalendarDayOfWeek = 1 << 0,  // 7 one-hot inputs, Monday first
  kCalendarMonth = 1 << 1,      // 12 one-hot inputs, January first
};
inline constexpr uint8_t kCalendarKnownBits = kCalendarDayOfWeek | kCalendarMonth;

// Storage of one tensor in the file. Readers decode into Tensor below; kernels of the
// matching family run on the decoded form (int8 stays int8, sparse stays sparse).
enum class Encoding : uint8_t {
  kF32 = 1,         // dense little-endian IEEE float32, row-major
  kF16 = 2,         // dense IEEE binary16, row-major
  kSparseF32 = 3,   // bitmask + packed float32 non-zeros
  kInt8 = 4,        // symmetric int8, one scale per column (output channel)
  kSparseInt8 = 5,  // bitmask + packed int8 non-zeros, one scale per column
};

enum class TensorRole : uint8_t {
  kKernel = 1,
  kRecurrentKernel = 2,
  kBias = 3,
  // LSTM layers only, optional, 1x3 f32/f16: the static scales of the full-integer LSTM
  // (docs/model-format.md), [input scale s_x, hidden scale s_h, cell range R]: the layer
  // input is x_q = round(x / s_x), h_q = round(h / s_h) (int8), the cell state int16 at
  // scale R / 2^15 with R a power of two in 1..128. Its presence selects the
  // full-integer runner; the weights must then be int8 / sparse-int8.
  kActivationScales = 4,
};
inline constexpr uint32_t kActivationScaleCount = 3;

struct Tensor {
  TensorRole role = TensorRole::kKernel;
  Encoding encoding = Encoding::kF32;
  uint32_t rows = 0;
  uint32_t cols = 0;
  // kF32, kF16: rows*cols values, row-major.
  std::vector<float> dense;
  // kSparse*: one bit per entry in row-major order, bit (i % 8) of byte i / 8 set when
  // entry i is stored; the stored values follow in row-major order.
  std::vector<uint8_t> mask;
  std::vector<float> sparse_values;  // kSparseF32
  // kInt8: rows*cols values; kSparseInt8: the stored non-zeros.
  std::vector<int8_t> q;
  std::vector<float> scales;  // kInt8 / kSparseInt8: one per column, value = q * scale

  size_t size() const { return static_cast<size_t>(rows) * cols; }
  // Every entry as float (dequantised, zeros filled in). For training, export and tests;
  // the runtime's int8 and sparse paths never call it.
  std::vector<float> ToDense() const;
  // Number of entries stored explicitly (rows*cols for dense encodings).
  size_t StoredCount() const;
};

struct Layer {
  LayerKind kind = LayerKind::kLstm;
  uint32_t inputs = 0;
  uint32_t units = 0;
  Activation activation = Activation::kTanh;               // Dense: output activation
  Activation recurrent_activation = Activation::kSigmoid;  // LSTM gates i, f, o
  std::vector<Tensor> tensors;

  const Tensor* Find(TensorRole role) const;
  Tensor* Find(TensorRole role);
  uint32_t outputs_per_step() const { return units; }
};

struct Model {
  uint32_t window = 30;   // T: raw sales values per forecast
  uint32_t horizon = 1;   // default number of days to forecast
  NormKind norm = NormKind::kGlobal;
  float norm_offset = 0.f;
  float norm_scale = 1.f;
  uint8_t calendar = kCalendarNone;
  std::vector<Layer> layers;

  // Inputs per step: 1 (sales) + 7 (weekday) + 12 (month), as the calendar bits say.
  uint32_t input_features() const;
  // Weights and biases (what the article counts); activation scales are metadata.
  size_t parameter_count() const;
};

const char* LayerKindName(LayerKind kind);
const char* ActivationName(Activation a);
const char* EncodingName(Encoding e);
const char* NormKindName(NormKind n);
// "lstm0/kernel", "dense1/bias": the name inspect and error messages use.
std::string TensorName(const Model& model, size_t layer_index, TensorRole role);

// Builders for code that makes models (trainer, importers, tests): shapes are derived
// from the layer, values start at zero.
Layer MakeLstmLayer(uint32_t inputs, uint32_t units,
                    Activation recurrent_activation = Activation::kSigmoid);
Layer MakeDenseLayer(uint32_t inputs, uint32_t units, Activation activation);
// The article's architecture: LSTM(hidden) over `features` inputs, then Dense(1).
Model MakeLstmForecaster(uint32_t hidden, uint32_t window, uint8_t calendar = kCalendarNone);

}  // namespace shelfcast

// Compression of trained float models into the file's smaller encodings (toolchain,
// native only):
//
//   Result<Model> q = QuantizeInt8(model, {});                          // int8, dynamic range
//   QuantizeOptions full; full.mode = QuantizeMode::kFullInteger;
//   full.calibration = windows;                                         // training windows
//   Result<Model> fi = QuantizeInt8(model, full);                       // + static scales
//   SparsifyWhenSmaller(&model);                                        // sparse encodings
//
// The runtime picks its kernels from the encodings (lstm/layer.h), so the output runs
// as int8 / sparse / full integer with no further flag.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/date.h"
#include "core/status.h"
#include "format/model.h"

namespace shelfcast {

// One calibration sample: window() raw daily sales, oldest first, and the first
// forecast day (used by models with calendar features, ignored otherwise).
struct CalibrationWindow {
  std::vector<float> sales;
  DayNumber first_target_day = 0;
};

enum class QuantizeMode {
  kDynamic,       // int8 weights; activations quantised per row at run time
  kFullInteger,   // + static activation scales calibrated on windows (integer LSTM)
};

struct QuantizeOptions {
  QuantizeMode mode = QuantizeMode::kDynamic;
  std::vector<CalibrationWindow> calibration;  // required by kFullInteger
  // Applies SparsifyWhenSmaller to the result (pruned models become sparse-int8).
  bool sparsify = true;
};

// How QuantizeColumns stores each column's scale.
enum class ScaleFormat {
  kHalf,   // RoundToHalf: a model file's f16 scales (the smallest subnormal when it underflows)
  kFloat,  // float32 as computed: an ONNX file's scales (exact q * scale for one-row columns)
};

// Symmetric int8 per column (output channel) of any weight tensor:
//   s_j = max_k |w_kj| / 127 stored in `format` (0 for a zero column),
//   q_kj = clamp(round(w_kj / s_j), -127, 127)   (rounded with the stored scale).
Tensor QuantizeColumns(const Tensor& t, ScaleFormat format);

// Post-training quantisation, per output channel, symmetric:
//   s_j = RoundToHalf(max_k |w_kj| / 127)   (the f16 the file stores; 0 for a zero column)
//   q_kj = clamp(round(w_kj / s_j), -127, 127)   (rounded with the stored scale)
// for every LSTM kernel, recurrent kernel and Dense kernel. A weight matrix stays f16
// when f16 is no larger than int8 + scales (rows <= 2, e.g. the 1 x 4H input kernel of a
// 1-feature model), except in full-integer mode, whose LSTM needs both matrices int8.
// Biases become f16. Full integer adds each LSTM layer's activation scales
// (TensorRole::kActivationScales): s_x = max|x| / 127, s_h = max|h| / 127 over the
// calibration windows, cell range = the smallest power of two >= max|c| (1..128), all
// measured by running the int8 model's weights in float.
Result<Model> QuantizeInt8(const Model& model, const QuantizeOptions& options);

// Re-encodes each weight tensor (not biases or scales) in the smallest of its
// equivalent encodings: f32 <-> sparse-f32, f16 -> sparse-f32 (exact), int8 <->
// sparse-int8. Values never change.
void SparsifyWhenSmaller(Model* model);

// One-shot magnitude pruning of the LSTM kernels and recurrent kernels (no
// fine-tuning: for benchmarks, tests and as a starting point; training-time pruning
// belongs to the trainer). Each matrix gets its own threshold: the `sparsity` fraction
// of its blocks with the smallest L1 norm become zero, a block being `block` consecutive
// output columns of one row (1 = single weights; 4 = the 1x4 blocks the sparse SIMD
// kernels run fastest). Biases and Dense layers are kept.
Status PruneByMagnitude(Model* model, double sparsity, uint32_t block);

// Per LSTM layer, over every step of every window: max |layer input|, max |h|, max |c|.
struct ActivationRanges {
  float input = 0.f;
  float hidden = 0.f;
  float cell = 0.f;
};
Result<std::vector<ActivationRanges>> MeasureActivationRanges(const Model& model,
                                                              const std::vector<CalibrationWindow>& windows);

// Parses calibration windows from text: one window per line, `window` numbers separated
// by commas, optionally preceded by the first forecast day as YYYY-MM-DD. Blank lines
// and lines starting with '#' are skipped. Errors name the line.
Result<std::vector<CalibrationWindow>> ParseCalibrationWindows(const std::string& text, uint32_t window);

}  // namespace shelfcast

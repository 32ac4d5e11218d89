// ONNX export and import of shelfcast models (toolchain only, not in the wasm runtime).
//
//   Result<std::vector<uint8_t>> file = ExportOnnx(model, {});           // float or int8 model
//   Result<Model> back = ImportOnnx(file->data(), file->size(), {});     // identical weights
//
// Export: each LSTM layer becomes one ONNX `LSTM` node (float weights, opset 17) or one
// `com.microsoft::DynamicQuantizeLSTM` (int8 weights: ONNX Runtime's dynamic-range int8
// LSTM); Dense layers become `Gemm` (+ `Relu`/`Tanh`/`Sigmoid`). Keras packs the gates
// i, f, c, o along the columns of kernel [inputs, 4*units]; ONNX stacks them i, o, f, c
// along the rows of W [1, 4*units, inputs] (DynamicQuantizeLSTM: along the columns of
// W [1, inputs, 4*units]), with a second, zero, recurrence bias.
//
// Normalisation is folded into the graph as ops (kFull, the default), so ONNX Runtime
// given raw sales returns sales, exactly the numbers `shelfcast forecast` prints:
//   global       x' = (x - offset) / scale   Sub, Div      y = y' * scale + offset   Mul, Add
//   window-mean  m = ReduceMean(x) + offset  x' = x / m                     y = y' * m
// Inputs: "sales" [batch, window] (raw, oldest first) and, for calendar models,
// "calendar" [batch, window, 7|12|19] (the one-hot features shelfcast computes for each
// step); output "forecast" [batch, 1]: the next day. Multi-day (recursive) forecasts are
// the caller's loop. kCore omits the normalisation and layout ops: input "x"
// [window, batch, features] already normalised, output "y" [1, batch, 1]: the smallest
// graph a runtime can run, which the benchmark uses so peers pay for nothing extra.
//
// Import: a single-layer LSTM forecaster (ONNX `LSTM`, or DynamicQuantizeLSTM, + Dense
// head) as tf2onnx (Keras) and torch.onnx.export (nn.LSTM + nn.Linear) write it: the
// common Transpose / Squeeze / Unsqueeze / Reshape / Slice / Gather around the LSTM,
// zero initial states given as constants, ConstantOfShape or Expand, a Gemm or
// MatMul + Add head, and the normalisation patterns above. Anything else is refused with
// the node's name, op and the reason.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "core/status.h"
#include "format/model.h"
#include "interop/onnx/onnx_proto.h"

namespace shelfcast::onnx {

inline constexpr int64_t kExportOpset = 17;
inline constexpr int64_t kExportIrVersion = 8;  // the IR version of opset 17

enum class ExportGraph { kFull, kCore };

struct ExportOptions {
  ExportGraph graph = ExportGraph::kFull;
};

// The ONNX model for a shelfcast model (which must pass ValidateModel). An LSTM layer
// whose recurrent kernel is int8 or sparse-int8 maps to DynamicQuantizeLSTM (sparse-int8
// written dense, zeros included); a float kernel beside it (the dynamic-range files keep
// the x part f16) is quantised per output channel by QuantizeColumns (float scales): exact up to float
// rounding for one input (each column is one value: q = +-127, scale = |w| / 127), within
// scale / 2 = max|column| / 254 per weight for more. Float, f16 and sparse-f32 layers
// export as ONNX LSTM (exactly: every value is a float32). Refused: an int8 kernel beside
// a float recurrent kernel, and full-integer layers (activation scales present), which
// compute fixed-point gates that DynamicQuantizeLSTM does not.
Result<ModelProto> BuildOnnxModel(const Model& model, const ExportOptions& options = {});
Result<std::vector<uint8_t>> ExportOnnx(const Model& model, const ExportOptions& options = {});

struct ImportOptions {
  // Days per forecast; 0 takes the graph input's time dimension (an error when symbolic).
  uint32_t window = 0;
  // Global normalisation applied OUTSIDE the graph, for models trained on scaled data
  // whose graphs hold no normalisation ops. Refused when the graph has its own.
  bool set_normalisation = false;
  float norm_offset = 0.f;
  float norm_scale = 1.f;
};

Result<Model> ImportOnnxModel(const ModelProto& proto, const ImportOptions& options = {});
Result<Model> ImportOnnx(const uint8_t* data, size_t size, const ImportOptions& options = {});

}  // namespace shelfcast::onnx

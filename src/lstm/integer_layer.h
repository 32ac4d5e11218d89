// The full-integer LSTM layer (TFLite-Micro style), selected by a layer's
// TensorRole::kActivationScales tensor. Per step and row:
//
//   x_q   = clamp(nearbyint(x * (1 / s_x)), -127, 127)            int8 (in int16 lanes)
//   acc_x = x_q . W_q,  acc_h = h_q . U_q                          int32 (qs8-gemm / qs8-spmm)
//   gates, cell, h_q: the fixed-point stages of qs16-lstm-cell.h   int16 / int8
//   h     = h_q * s_h                                              float, for the next layer / head
//
// Only the boundaries are float: the layer's float input is quantised on entry and h is
// dequantised for the float Dense head (and a following layer, which quantises it again
// with its own s_x). Multipliers and the Q3.12 bias are derived from the float scales
// once, at load; Step() then runs integer arithmetic only, apart from those two
// boundary conversions.
#pragma once

#include <memory>

#include "core/status.h"
#include "format/model.h"
#include "lstm/layer.h"

namespace shelfcast {

Result<std::unique_ptr<LstmLayerRunner>> MakeIntegerLstmLayer(const Layer& layer, const KernelOptions& options);

}  // namespace shelfcast

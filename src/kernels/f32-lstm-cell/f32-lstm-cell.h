// Kernel family f32-lstm-cell: the element-wise half of an LSTM step.
//
//   gates = [g_i | g_f | g_c | g_o]  (4 * units pre-activations, Keras gate order)
//   i = ra(g_i), f = ra(g_f), o = ra(g_o), c~ = tanh(g_c)     (ra = recurrent activation)
//   c = f * c + i * c~
//   h = o * tanh(c)
// `c` is read and updated in place; `h` is written. Every variant of one recurrent
// activation computes the same function; the SIMD variants' exp is within ~2 ulp, so
// sigmoid within a few ulp and tanh within ~2e-7 absolute of the reference's std::exp /
// std::tanh (simd.cpp).
#pragma once

#include <cstddef>
#include <vector>

#include "format/model.h"
#include "kernels/simd.h"

namespace shelfcast {

using F32LstmCellFn = void (*)(size_t units, const float* gates, float* c, float* h);

struct F32LstmCellVariant {
  const char* name;
  F32LstmCellFn fn;
  Activation recurrent_activation;
  bool simd;
};

const std::vector<F32LstmCellVariant>& F32LstmCellVariants();
// The reference (scalar) variant or the fastest one for a recurrent activation;
// nullptr if the activation has none.
const F32LstmCellVariant* F32LstmCellFor(Activation recurrent_activation, bool use_simd);

#define SHELFCAST_F32_LSTM_CELL_VARIANT(fn, activation, is_simd) \
  void fn(size_t units, const float* gates, float* c, float* h);
#include "kernels/f32-lstm-cell/f32-lstm-cell.inc"
#undef SHELFCAST_F32_LSTM_CELL_VARIANT

}  // namespace shelfcast

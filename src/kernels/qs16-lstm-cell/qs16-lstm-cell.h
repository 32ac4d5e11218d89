// Kernel family qs16-lstm-cell: the element-wise half of a full-integer LSTM step
// (TFLite-Micro's integer LSTM recipe: int8 weights and activations, int16 gates and
// cell state, fixed-point throughout; see docs/model-format.md, "Full-integer LSTM").
//
// Number formats (Qm.n: a signed integer v meaning v * 2^-n):
//   acc_x[j], acc_h[j]  int32 sums of qs8-gemm: x_q . W_q[:, j] and h_q . U_q[:, j], real
//                       values acc * s_x * s_W[j] and acc * s_h * s_U[j]
//   gate pre-activation g[j] = sat16(Rescale(acc_x[j], Mx[j]) + Rescale(acc_h[j], Mh[j]) + b[j])
//                       int16 Q3.12 (range [-8, 8): sigmoid(8) and tanh(8) are within
//                       4e-4 of their limits), Mx = s_x s_W 2^12, Mh = s_h s_U 2^12,
//                       b = the bias in Q3.12 (int32)
//   i, f, o             ra(g) in Q0.15, ra = sigmoid (513-entry table, linear
//                       interpolation) or hard sigmoid clamp(0.2 g + 0.5, 0, 1)
//   c~                  tanh(g) in Q0.15 (same table scheme)
//   c                   int16 with a power-of-two scale: Q(15-F).F, F = cell_frac_bits in
//                       [8, 15] (range +-2^(15-F), calibrated)
//                         c' = sat16( (f c + 2^14) >> 15  +  (i c~ + 2^(29-F)) >> (30-F) )
//   h_q                 int8 (held in int16) at scale s_h:
//                         h_q = clamp(Rescale(o * tanh(c' in Q3.12), Mhid), -127, 127),
//                         Mhid = 2^-30 / s_h  (o * tanh is Q0.30)
// Rounding is to nearest with ties toward +inf (Rescale, the >> with a half added).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "format/model.h"
#include "kernels/fixedpoint.h"

namespace shelfcast {

struct Qs16LstmCellParams {
  size_t units = 0;
  const FixedMultiplier* input_multiplier = nullptr;      // [4 * units]: Mx
  const FixedMultiplier* recurrent_multiplier = nullptr;  // [4 * units]: Mh
  const int32_t* bias = nullptr;                          // [4 * units]: Q3.12
  int cell_frac_bits = 12;                                // F
  FixedMultiplier hidden_multiplier;                      // Mhid
  bool hard_sigmoid = false;                              // ra: hard sigmoid, else sigmoid
};

// c (units) is read and updated; h (units) receives h_q.
using Qs16LstmCellFn = void (*)(const Qs16LstmCellParams& params, const int32_t* acc_x,
                                const int32_t* acc_h, int16_t* c, int16_t* h);

struct Qs16LstmCellVariant {
  const char* name;
  Qs16LstmCellFn fn;
};

const std::vector<Qs16LstmCellVariant>& Qs16LstmCellVariants();
// The variant for a recurrent activation (set Qs16LstmCellParams::hard_sigmoid to
// match); nullptr if the integer LSTM has none (relu gates are unbounded and do not fit
// Q0.15).
const Qs16LstmCellVariant* Qs16LstmCellFor(Activation recurrent_activation);

// The stages, exposed for tests (TFLite-Micro style): Q3.12 in, Q0.15 out.
int16_t Qs16Sigmoid(int16_t x);
int16_t Qs16HardSigmoid(int16_t x);
int16_t Qs16Tanh(int16_t x);

#define SHELFCAST_QS16_LSTM_CELL_VARIANT(fn) \
  void fn(const Qs16LstmCellParams&, const int32_t*, const int32_t*, int16_t*, int16_t*);
#include "kernels/qs16-lstm-cell/qs16-lstm-cell.inc"
#undef SHELFCAST_QS16_LSTM_CELL_VARIANT

}  // namespace shelfcast

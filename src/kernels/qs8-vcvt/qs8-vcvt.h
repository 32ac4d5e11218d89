// Kernel family qs8-vcvt: the float <-> int8 conversions around qs8-gemm / qs8-spmm in
// the dynamic-range int8 LSTM.
//
// quantize (one activation row, symmetric, its own scale):
//   amax = max_k |x[k]|;  scale = amax / 127;  q[k] = clamp(nearbyint(x[k] * (127 / amax)), -127, 127)
//   (round half to even; amax == 0 gives scale 0 and q == 0). q is int8 held in int16
//   (the layout qs8-gemm reads). Returns scale.
// dequantize_accumulate (one output row):
//   c[j] = c[j] + (float)acc[j] * (scale * w_scale[j])
//   the float operations in exactly this order, so every variant is bit-exact with the
//   reference (no FMA on either target; int32 -> float rounds to nearest in both).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "kernels/simd.h"

namespace shelfcast {

using Qs8QuantizeFn = float (*)(size_t n, const float* x, int16_t* q);
using Qs8DequantizeAccumulateFn = void (*)(size_t n, const int32_t* acc, float scale, const float* w_scale,
                                           float* c);

struct Qs8VcvtVariant {
  const char* name;
  Qs8QuantizeFn quantize;
  Qs8DequantizeAccumulateFn dequantize_accumulate;
  bool simd;
};

const std::vector<Qs8VcvtVariant>& Qs8VcvtVariants();
const Qs8VcvtVariant& Qs8VcvtFor(bool use_simd);

#define SHELFCAST_QS8_VCVT_VARIANT(name, quantize, dequantize, is_simd)              \
  float quantize(size_t n, const float* x, int16_t* q);                              \
  void dequantize(size_t n, const int32_t* acc, float scale, const float* w_scale, float* c);
#include "kernels/qs8-vcvt/qs8-vcvt.inc"
#undef SHELFCAST_QS8_VCVT_VARIANT

}  // namespace shelfcast

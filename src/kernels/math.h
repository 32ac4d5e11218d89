// Vectorised transcendental functions for the LSTM gates, on the SIMD mapping layer.
//
// exp: Cephes' expf. Range reduction x = n ln2 + r with ln2 split in two constants
// (C1 + C2, C1 exact in 9 bits, so n*C1 is exact), a degree-5 minimax polynomial for
// e^r on |r| <= ln2/2, and 2^n built in the exponent bits. Error <= 2 ulp on
// [-87.3, 88.3]; inputs outside are clamped there (e^-87.3 ~ 1.2e-38, e^88.3 ~ 2.2e38).
// sigmoid(x) = 1 / (1 + e^-x): relative error <= ~3 ulp.
// tanh(x) = (e^2x - 1) / (e^2x + 1) for |x| <= 9 (tanh(9) rounds to 1 in float):
// absolute error <= ~2e-7, which is what the LSTM state tolerates (h and c are O(1)).
#pragma once

#include "kernels/simd.h"

#if SHELFCAST_HAVE_SIMD
namespace shelfcast::simd {

inline f32x4 exp(f32x4 x) {
  x = min(max(x, splat(-87.33654f)), splat(88.37626f));
  const f32x4 n = nearest(mul(x, splat(1.44269504088896341f)));
  f32x4 r = sub(x, mul(n, splat(0.693359375f)));
  r = sub(r, mul(n, splat(-2.12194440e-4f)));
  f32x4 p = splat(1.9875691500e-4f);
  p = add(mul(p, r), splat(1.3981999507e-3f));
  p = add(mul(p, r), splat(8.3334519073e-3f));
  p = add(mul(p, r), splat(4.1665795894e-2f));
  p = add(mul(p, r), splat(1.6666665459e-1f));
  p = add(mul(p, r), splat(5.0000001201e-1f));
  p = add(add(mul(p, mul(r, r)), r), splat(1.f));
  // 2^n: n is integral and in [-126, 127] after the clamp.
  const f32x4 two_n = as_f32(i32_shl(i32_add(to_i32(n), i32_splat(127)), 23));
  return mul(p, two_n);
}

inline f32x4 sigmoid(f32x4 x) { return div(splat(1.f), add(splat(1.f), exp(neg(x)))); }

inline f32x4 tanh(f32x4 x) {
  x = min(max(x, splat(-9.f)), splat(9.f));
  const f32x4 e = exp(add(x, x));
  return div(sub(e, splat(1.f)), add(e, splat(1.f)));
}

// Keras 2 / TF.js hard sigmoid: clamp(0.2 x + 0.5, 0, 1).
inline f32x4 hard_sigmoid(f32x4 x) {
  return min(max(add(mul(x, splat(0.2f)), splat(0.5f)), zero()), splat(1.f));
}

// Keras 3 hard sigmoid: relu6(x + 3) / 6.
inline f32x4 hard_sigmoid_relu6(f32x4 x) {
  return div(min(max(add(x, splat(3.f)), zero()), splat(6.f)), splat(6.f));
}

inline f32x4 relu(f32x4 x) { return max(x, zero()); }

}  // namespace shelfcast::simd
#endif

// SIMD qs8-vcvt variants: four lanes at a time, the tail through the same vector code
// on a zero-padded copy, so every element sees exactly the reference's float operations.
#include "kernels/qs8-vcvt/qs8-vcvt.h"

#if SHELFCAST_HAVE_SIMD
namespace shelfcast {

float f32_qs8_quantize__simd(size_t n, const float* x, int16_t* q) {
  simd::f32x4 vmax = simd::zero();
  size_t k = 0;
  for (; k + 4 <= n; k += 4) vmax = simd::max(vmax, simd::abs(simd::load(x + k)));
  float amax = simd::max_lanes(vmax);
  for (size_t t = k; t < n; ++t) {
    const float v = x[t] < 0.f ? -x[t] : x[t];
    amax = v > amax ? v : amax;
  }
  if (amax == 0.f) {
    for (size_t t = 0; t < n; ++t) q[t] = 0;
    return 0.f;
  }
  const simd::f32x4 inv = simd::splat(127.f / amax);
  const simd::f32x4 hi = simd::splat(127.f), lo = simd::splat(-127.f);
  // Quantises 8 floats (two vectors) to 8 int16: round half to even, clamp, narrow.
  auto eight = [&](const float* in, int16_t* out) {
    const simd::f32x4 a = simd::min(simd::max(simd::nearest(simd::mul(simd::load(in), inv)), lo), hi);
    const simd::f32x4 b = simd::min(simd::max(simd::nearest(simd::mul(simd::load(in + 4), inv)), lo), hi);
    simd::i16_store_narrow(out, simd::to_i32(a), simd::to_i32(b));
  };
  k = 0;
  for (; k + 8 <= n; k += 8) eight(x + k, q + k);
  if (k < n) {
    float tin[8] = {0};
    int16_t tout[8];
    for (size_t t = k; t < n; ++t) tin[t - k] = x[t];
    eight(tin, tout);
    for (size_t t = k; t < n; ++t) q[t] = tout[t - k];
  }
  return amax / 127.f;
}

void qs8_f32_dequantize_accumulate__simd(size_t n, const int32_t* acc, float scale, const float* w_scale,
                                         float* c) {
  const simd::f32x4 s = simd::splat(scale);
  size_t j = 0;
  for (; j + 4 <= n; j += 4) {
    const simd::f32x4 v = simd::mul(simd::to_f32(simd::i32_load(acc + j)), simd::mul(s, simd::load(w_scale + j)));
    simd::store(c + j, simd::add(simd::load(c + j), v));
  }
  for (; j < n; ++j) c[j] = c[j] + static_cast<float>(acc[j]) * (scale * w_scale[j]);
}

}  // namespace shelfcast
#endif

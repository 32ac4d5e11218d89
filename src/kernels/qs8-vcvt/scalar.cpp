// Reference qs8-vcvt variants: the formulas of qs8-vcvt.h, one element at a time.
#include <cmath>

#include "kernels/qs8-vcvt/qs8-vcvt.h"

namespace shelfcast {

float f32_qs8_quantize__scalar(size_t n, const float* x, int16_t* q) {
  float amax = 0.f;
  for (size_t k = 0; k < n; ++k) amax = std::fabs(x[k]) > amax ? std::fabs(x[k]) : amax;
  if (amax == 0.f) {
    for (size_t k = 0; k < n; ++k) q[k] = 0;
    return 0.f;
  }
  const float inv = 127.f / amax;
  for (size_t k = 0; k < n; ++k) {
    float r = std::nearbyint(x[k] * inv);
    r = r > 127.f ? 127.f : (r < -127.f ? -127.f : r);
    q[k] = static_cast<int16_t>(r);
  }
  return amax / 127.f;
}

void qs8_f32_dequantize_accumulate__scalar(size_t n, const int32_t* acc, float scale, const float* w_scale,
                                           float* c) {
  for (size_t j = 0; j < n; ++j) c[j] = c[j] + static_cast<float>(acc[j]) * (scale * w_scale[j]);
}

}  // namespace shelfcast

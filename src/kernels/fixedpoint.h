// Fixed-point helpers of the full-integer LSTM (integer arithmetic only, so native and
// wasm give the same bits).
//
// A real multiplier M > 0 is stored as (m, shift) with M = m * 2^(shift - 31) and m a
// Q31 mantissa in [2^30, 2^31). Rescale(x, M) = round(x * M) with ties toward +inf,
// computed exactly in 64 bits:
//   r = 31 - shift (1 <= r <= 62),  result = (x * m + 2^(r-1)) >> r
// |x * m| < 2^62 and the rounding term < 2^61, so nothing overflows; >> of a negative
// int64 is an arithmetic shift (GCC, Clang; guaranteed since C++20).
// Multipliers below 2^-32 are stored as m = 0: |x * M| < 1/2 for every int32 x, so the
// exact result rounds to 0 anyway.
#pragma once

#include <cmath>
#include <cstdint>

namespace shelfcast {

struct FixedMultiplier {
  int32_t m = 0;
  int32_t shift = 0;
};

// Converts a real multiplier. Returns false (leaving *out unchanged) when M is not
// finite, negative, or >= 2^30 (larger gains have no use in the LSTM and would need
// r < 1).
inline bool MakeFixedMultiplier(double real, FixedMultiplier* out) {
  if (!(real >= 0.0) || !std::isfinite(real)) return false;
  if (real == 0.0) {
    *out = FixedMultiplier{};
    return true;
  }
  int exponent = 0;
  const double fraction = std::frexp(real, &exponent);  // real = fraction * 2^exponent, fraction in [0.5, 1)
  int64_t m = static_cast<int64_t>(std::llround(fraction * 2147483648.0));
  if (m == (int64_t{1} << 31)) {
    m >>= 1;
    ++exponent;
  }
  if (exponent > 30) return false;
  if (exponent < -31) {
    *out = FixedMultiplier{};
    return true;
  }
  *out = FixedMultiplier{static_cast<int32_t>(m), exponent};
  return true;
}

inline int64_t Rescale(int32_t x, FixedMultiplier f) {
  const int r = 31 - f.shift;
  const int64_t product = static_cast<int64_t>(x) * f.m;
  return (product + (int64_t{1} << (r - 1))) >> r;
}

inline int32_t SaturateInt16(int64_t x) {
  return x > 32767 ? 32767 : (x < -32768 ? -32768 : static_cast<int32_t>(x));
}

}  // namespace shelfcast

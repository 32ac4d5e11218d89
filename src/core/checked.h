// Overflow-safe size arithmetic for readers of untrusted input.
//
//   size_t bytes;
//   if (!CheckedMul(rows, cols, &bytes) || !CheckedMul(bytes, 4, &bytes)) return error;
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>

namespace shelfcast {

// Each returns false (and leaves *out unspecified) when the exact result does not fit.
template <typename T>
inline bool CheckedAdd(T a, T b, T* out) {
  return !__builtin_add_overflow(a, b, out);
}
template <typename T>
inline bool CheckedMul(T a, T b, T* out) {
  return !__builtin_mul_overflow(a, b, out);
}

}  // namespace shelfcast

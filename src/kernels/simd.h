// The thin SIMD mapping layer: 128-bit vectors written once, compiled to WebAssembly
// SIMD128 (wasm_simd128.h) or to SSE4.1 natively. Kernels written against it run the
// same arithmetic in both targets, so native tests cover the wasm code paths.
//
// SHELFCAST_HAVE_SIMD is 1 when one of the two back ends is available; kernels guard
// their SIMD variants with it and always keep a scalar reference twin.
#pragma once

#include <cstdint>

#if defined(SHELFCAST_SIMD) && defined(__wasm_simd128__)
#define SHELFCAST_HAVE_SIMD 1
#define SHELFCAST_SIMD_WASM 1
#include <wasm_simd128.h>
#elif defined(SHELFCAST_SIMD) && defined(__SSE4_1__)
#define SHELFCAST_HAVE_SIMD 1
#define SHELFCAST_SIMD_SSE 1
#include <smmintrin.h>
#else
#define SHELFCAST_HAVE_SIMD 0
#endif

#if SHELFCAST_HAVE_SIMD
namespace shelfcast::simd {

#if SHELFCAST_SIMD_WASM
using f32x4 = v128_t;
using i32x4 = v128_t;
inline f32x4 load(const float* p) { return wasm_v128_load(p); }
inline void store(float* p, f32x4 v) { wasm_v128_store(p, v); }
inline f32x4 splat(float x) { return wasm_f32x4_splat(x); }
inline f32x4 zero() { return wasm_f32x4_const_splat(0.f); }
inline f32x4 add(f32x4 a, f32x4 b) { return wasm_f32x4_add(a, b); }
inline f32x4 sub(f32x4 a, f32x4 b) { return wasm_f32x4_sub(a, b); }
inline f32x4 mul(f32x4 a, f32x4 b) { return wasm_f32x4_mul(a, b); }
inline f32x4 div(f32x4 a, f32x4 b) { return wasm_f32x4_div(a, b); }
// Lane-wise min/max with x86 semantics (second operand on NaN): what both back ends agree on.
inline f32x4 min(f32x4 a, f32x4 b) { return wasm_f32x4_pmin(a, b); }
inline f32x4 max(f32x4 a, f32x4 b) { return wasm_f32x4_pmax(a, b); }
inline f32x4 neg(f32x4 a) { return wasm_f32x4_neg(a); }
inline f32x4 nearest(f32x4 a) { return wasm_f32x4_nearest(a); }
inline i32x4 to_i32(f32x4 a) { return wasm_i32x4_trunc_sat_f32x4(a); }
inline i32x4 i32_add(i32x4 a, i32x4 b) { return wasm_i32x4_add(a, b); }
inline i32x4 i32_shl(i32x4 a, int n) { return wasm_i32x4_shl(a, n); }
inline i32x4 i32_splat(int32_t x) { return wasm_i32x4_splat(x); }
inline f32x4 as_f32(i32x4 a) { return a; }
// Broadcasts the float at p to all lanes (one v128.load32_splat).
inline f32x4 load_splat(const float* p) { return wasm_v128_load32_splat(p); }
inline f32x4 abs(f32x4 a) { return wasm_f32x4_abs(a); }
// Lanes (a0, a1, a2, a3) -> max over lanes in lane 0 (other lanes unspecified).
inline float max_lanes(f32x4 a) {
  a = max(a, wasm_i32x4_shuffle(a, a, 2, 3, 2, 3));
  a = max(a, wasm_i32x4_shuffle(a, a, 1, 1, 1, 1));
  return wasm_f32x4_extract_lane(a, 0);
}
inline f32x4 to_f32(i32x4 a) { return wasm_f32x4_convert_i32x4(a); }
inline i32x4 i32_load(const int32_t* p) { return wasm_v128_load(p); }
inline void i32_store(int32_t* p, i32x4 v) { wasm_v128_store(p, v); }
inline i32x4 i32_zero() { return wasm_i32x4_const_splat(0); }
inline i32x4 i32_min(i32x4 a, i32x4 b) { return wasm_i32x4_min(a, b); }
inline i32x4 i32_max(i32x4 a, i32x4 b) { return wasm_i32x4_max(a, b); }
// Broadcasts the 32 bits at p (e.g. a pair of int16) to all lanes.
inline i32x4 i32_load_splat(const void* p) { return wasm_v128_load32_splat(p); }
// Eight int8 at p sign-extended to eight int16 lanes (one v128.load8x8_s).
inline i32x4 i16_load_i8(const int8_t* p) { return wasm_i16x8_load8x8(p); }
// Lane i = a[2i] * b[2i] + a[2i+1] * b[2i+1] over int16 lanes, exact in int32.
inline i32x4 i32_dot_i16(i32x4 a, i32x4 b) { return wasm_i32x4_dot_i16x8(a, b); }
// Two int32x4 -> eight int16 (saturating), stored to p.
inline void i16_store_narrow(int16_t* p, i32x4 lo, i32x4 hi) { wasm_v128_store(p, wasm_i16x8_narrow_i32x4(lo, hi)); }
inline i32x4 as_i32(f32x4 a) { return a; }
#else
using f32x4 = __m128;
using i32x4 = __m128i;
inline f32x4 load(const float* p) { return _mm_loadu_ps(p); }
inline void store(float* p, f32x4 v) { _mm_storeu_ps(p, v); }
inline f32x4 splat(float x) { return _mm_set1_ps(x); }
inline f32x4 zero() { return _mm_setzero_ps(); }
inline f32x4 add(f32x4 a, f32x4 b) { return _mm_add_ps(a, b); }
inline f32x4 sub(f32x4 a, f32x4 b) { return _mm_sub_ps(a, b); }
inline f32x4 mul(f32x4 a, f32x4 b) { return _mm_mul_ps(a, b); }
inline f32x4 div(f32x4 a, f32x4 b) { return _mm_div_ps(a, b); }
// pmin(a, b) = b < a ? b : a, exactly _mm_min_ps(b, a).
inline f32x4 min(f32x4 a, f32x4 b) { return _mm_min_ps(b, a); }
inline f32x4 max(f32x4 a, f32x4 b) { return _mm_max_ps(b, a); }
inline f32x4 neg(f32x4 a) { return _mm_xor_ps(a, _mm_set1_ps(-0.f)); }
inline f32x4 nearest(f32x4 a) { return _mm_round_ps(a, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC); }
inline i32x4 to_i32(f32x4 a) { return _mm_cvttps_epi32(a); }  // inputs are pre-clamped
inline i32x4 i32_add(i32x4 a, i32x4 b) { return _mm_add_epi32(a, b); }
inline i32x4 i32_shl(i32x4 a, int n) { return _mm_slli_epi32(a, n); }
inline i32x4 i32_splat(int32_t x) { return _mm_set1_epi32(x); }
inline f32x4 as_f32(i32x4 a) { return _mm_castsi128_ps(a); }
inline f32x4 load_splat(const float* p) { return _mm_load1_ps(p); }
inline f32x4 abs(f32x4 a) { return _mm_andnot_ps(_mm_set1_ps(-0.f), a); }
inline float max_lanes(f32x4 a) {
  a = max(a, _mm_movehl_ps(a, a));
  a = max(a, _mm_shuffle_ps(a, a, _MM_SHUFFLE(1, 1, 1, 1)));
  return _mm_cvtss_f32(a);
}
inline f32x4 to_f32(i32x4 a) { return _mm_cvtepi32_ps(a); }
inline i32x4 i32_load(const int32_t* p) { return _mm_loadu_si128(reinterpret_cast<const __m128i*>(p)); }
inline void i32_store(int32_t* p, i32x4 v) { _mm_storeu_si128(reinterpret_cast<__m128i*>(p), v); }
inline i32x4 i32_zero() { return _mm_setzero_si128(); }
inline i32x4 i32_min(i32x4 a, i32x4 b) { return _mm_min_epi32(a, b); }
inline i32x4 i32_max(i32x4 a, i32x4 b) { return _mm_max_epi32(a, b); }
inline i32x4 i32_load_splat(const void* p) {
  int32_t x;
  __builtin_memcpy(&x, p, 4);
  return _mm_set1_epi32(x);
}
inline i32x4 i16_load_i8(const int8_t* p) {
  return _mm_cvtepi8_epi16(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(p)));
}
inline i32x4 i32_dot_i16(i32x4 a, i32x4 b) { return _mm_madd_epi16(a, b); }
inline void i16_store_narrow(int16_t* p, i32x4 lo, i32x4 hi) {
  _mm_storeu_si128(reinterpret_cast<__m128i*>(p), _mm_packs_epi32(lo, hi));
}
inline i32x4 as_i32(f32x4 a) { return _mm_castps_si128(a); }
#endif

}  // namespace shelfcast::simd
#endif

// SIMD f32-lstm-cell variants: four units per vector, in blocks of up to 64 units, two
// passes per block (CellBlock); the remainder (units % 4) runs through the same code on a
// zero-padded copy, so there is one code path.
#include "kernels/f32-lstm-cell/f32-lstm-cell.h"
#include "kernels/math.h"  // hard_sigmoid, relu

#if SHELFCAST_HAVE_SIMD
namespace shelfcast {

// exp, sigmoid and tanh here are cheaper than kernels/math.h's (no float -> int
// conversion, constants from memory), same accuracy class:
//
// exp(z), z clamped by the caller so that the result is a normal float:
//   n = round(z log2 e): z log2 e + M with M = 1.5 * 2^23 + 127 lands in [2^23, 2^24),
//       where the float grid is the integers, so the addition rounds to nearest and the
//       low mantissa bits hold n + 127 (no float -> int conversion, which V8 lowers to
//       a long saturating sequence);
//   s = 2^n: those bits shifted into the exponent field;
//   t = z - n ln2, ln2 split as hi + lo (Cody-Waite: hi has 9 significant bits, so n hi
//       is exact for |n| < 2^15) into |t| <= ln2 / 2;
//   e^z = s (1 + t q(t)), q a degree-5 minimax (Remez) fit of (e^t - 1) / t on
//       [-ln2/2, ln2/2]: relative error 2.9e-8 with the float coefficients below, so
//       e^z is within ~2 ulp.
// sigmoid(x) = 1 / (1 + e^-x) with -x clamped to [-80, 80]: beyond that the float result
// is 0 or 1 to within 2e-35, and the clamp keeps every intermediate a normal number
// (x86 handles subnormals ~100x slower; wasm has no flush-to-zero).
// tanh(x) = (e^2x - 1) / (e^2x + 1) with x clamped to [-9, 9] (tanh(9) rounds to 1):
// within ~2e-7 absolute, the cancellation of e^2x - 1 near 0, as kernels/math.h.
//
// Constants are loaded from this table rather than written as v128.const: V8 builds
// each v128.const from two 64-bit immediates (about four instructions) every time a loop
// uses it, a load is one instruction. The table is a mutable object with external
// linkage, so the compiler cannot prove it constant and fold the loads back.
struct alignas(16) F32LstmCellConstants {
  float sigmoid_lo[4], sigmoid_hi[4];    // clamp of the sigmoid's exp argument
  float tanh_lo[4], tanh_hi[4];          // clamp of tanh's argument
  float minus_log2e[4], two_log2e[4];    // z log2 e for z = -x (sigmoid) and z = 2x (tanh)
  float magic[4];                        // 1.5 * 2^23 + 127
  float minus_ln2_hi[4], minus_ln2_lo[4];
  float q5[4], q4[4], q3[4], q2[4], q1[4], q0[4];
  float one[4];
};

#define SHELFCAST_SPLAT4(x) {x, x, x, x}
F32LstmCellConstants f32_lstm_cell_constants = {
    SHELFCAST_SPLAT4(-80.f), SHELFCAST_SPLAT4(80.f),
    SHELFCAST_SPLAT4(-9.f), SHELFCAST_SPLAT4(9.f),
    SHELFCAST_SPLAT4(-1.44269504f), SHELFCAST_SPLAT4(2.88539008f),
    SHELFCAST_SPLAT4(12583039.f),
    SHELFCAST_SPLAT4(-0.693359375f), SHELFCAST_SPLAT4(2.12194440e-4f),
    SHELFCAST_SPLAT4(0x1.6da758p-10f), SHELFCAST_SPLAT4(0x1.12a1d8p-7f), SHELFCAST_SPLAT4(0x1.555470p-5f),
    SHELFCAST_SPLAT4(0x1.55538cp-3f), SHELFCAST_SPLAT4(0x1.0p-1f), SHELFCAST_SPLAT4(0x1.000002p+0f),
    SHELFCAST_SPLAT4(1.f),
};
#undef SHELFCAST_SPLAT4

namespace {

using simd::f32x4;

// e^z given z log2 e (`zl`) and z itself: the shared tail of sigmoid and tanh.
inline f32x4 ExpTail(f32x4 zl, f32x4 z, const F32LstmCellConstants& k) {
  const f32x4 magic = simd::load(k.magic);
  f32x4 n = simd::add(zl, magic);
  const f32x4 s = simd::as_f32(simd::i32_shl(simd::as_i32(n), 23));
  n = simd::sub(n, magic);
  f32x4 t = simd::add(simd::mul(n, simd::load(k.minus_ln2_hi)), z);
  t = simd::add(simd::mul(n, simd::load(k.minus_ln2_lo)), t);
  f32x4 q = simd::add(simd::mul(simd::load(k.q5), t), simd::load(k.q4));
  q = simd::add(simd::mul(q, t), simd::load(k.q3));
  q = simd::add(simd::mul(q, t), simd::load(k.q2));
  q = simd::add(simd::mul(q, t), simd::load(k.q1));
  q = simd::add(simd::mul(q, t), simd::load(k.q0));
  return simd::add(simd::mul(simd::mul(s, t), q), s);
}

inline f32x4 Sigmoid(f32x4 x, const F32LstmCellConstants& k) {
  // z = -x: clamping x to [-80, 80] clamps z alike.
  x = simd::min(simd::max(x, simd::load(k.sigmoid_lo)), simd::load(k.sigmoid_hi));
  const f32x4 z = simd::sub(simd::zero(), x);
  const f32x4 e = ExpTail(simd::mul(x, simd::load(k.minus_log2e)), z, k);
  const f32x4 one = simd::load(k.one);
  return simd::div(one, simd::add(one, e));
}

inline f32x4 Tanh(f32x4 x, const F32LstmCellConstants& k) {
  x = simd::min(simd::max(x, simd::load(k.tanh_lo)), simd::load(k.tanh_hi));
  const f32x4 e = ExpTail(simd::mul(x, simd::load(k.two_log2e)), simd::add(x, x), k);
  const f32x4 one = simd::load(k.one);
  return simd::div(simd::sub(e, one), simd::add(e, one));
}

inline f32x4 HardSigmoid(f32x4 x, const F32LstmCellConstants&) { return simd::hard_sigmoid(x); }
inline f32x4 HardSigmoidRelu6(f32x4 x, const F32LstmCellConstants&) { return simd::hard_sigmoid_relu6(x); }
inline f32x4 Relu(f32x4 x, const F32LstmCellConstants&) { return simd::relu(x); }

// The cell in two passes over blocks of up to kBlock units: first the four gates'
// activations (independent of each other and across units, so the out-of-order core
// overlaps many of them), then c and h. Done in one pass per 4 units instead, each
// iteration is one ~170-cycle dependency chain (the gates, then the cell, then tanh of
// it) and the core overlaps only two or three iterations: latency-bound, ~20% slower on
// LSTM-64 in wasm.
constexpr size_t kBlock = 64;

template <f32x4 (*RA)(f32x4, const F32LstmCellConstants&)>
inline void CellBlock(size_t n, size_t units, const float* gates, float* c, float* h,
                        const F32LstmCellConstants& k) {
  // n is a multiple of 4 here; act holds i, f, c~, o of the block's n units.
  alignas(16) float act[4 * kBlock];
  for (size_t j = 0; j < n; j += 4) {
    simd::store(act + j, RA(simd::load(gates + j), k));
    simd::store(act + kBlock + j, RA(simd::load(gates + units + j), k));
    simd::store(act + 2 * kBlock + j, Tanh(simd::load(gates + 2 * units + j), k));
    simd::store(act + 3 * kBlock + j, RA(simd::load(gates + 3 * units + j), k));
  }
  for (size_t j = 0; j < n; j += 4) {
    const f32x4 cell = simd::add(simd::mul(simd::load(act + kBlock + j), simd::load(c + j)),
                                 simd::mul(simd::load(act + j), simd::load(act + 2 * kBlock + j)));
    simd::store(c + j, cell);
    simd::store(h + j, simd::mul(simd::load(act + 3 * kBlock + j), Tanh(cell, k)));
  }
}

template <f32x4 (*RA)(f32x4, const F32LstmCellConstants&)>
void CellSimd(size_t units, const float* gates, float* c, float* h) {
  const F32LstmCellConstants& k = f32_lstm_cell_constants;
  const size_t whole = units & ~size_t{3};
  for (size_t j = 0; j < whole; j += kBlock) {
    const size_t n = whole - j < kBlock ? whole - j : kBlock;
    CellBlock<RA>(n, units, gates + j, c + j, h + j, k);
  }
  if (whole < units) {
    // The last units % 4 through the same code on a zero-padded copy.
    const size_t n = units - whole;
    alignas(16) float g[16] = {0}, tc[4] = {0}, th[4];
    for (size_t u = 0; u < n; ++u) {
      for (size_t gate = 0; gate < 4; ++gate) g[4 * gate + u] = gates[gate * units + whole + u];
      tc[u] = c[whole + u];
    }
    CellBlock<RA>(4, 4, g, tc, th, k);
    for (size_t u = 0; u < n; ++u) { c[whole + u] = tc[u]; h[whole + u] = th[u]; }
  }
}

}  // namespace

void f32_lstm_cell_sigmoid__simd(size_t units, const float* gates, float* c, float* h) {
  CellSimd<Sigmoid>(units, gates, c, h);
}
void f32_lstm_cell_hard_sigmoid__simd(size_t units, const float* gates, float* c, float* h) {
  CellSimd<HardSigmoid>(units, gates, c, h);
}
void f32_lstm_cell_hard_sigmoid_relu6__simd(size_t units, const float* gates, float* c, float* h) {
  CellSimd<HardSigmoidRelu6>(units, gates, c, h);
}
void f32_lstm_cell_relu__simd(size_t units, const float* gates, float* c, float* h) {
  CellSimd<Relu>(units, gates, c, h);
}

}  // namespace shelfcast
#endif

// SIMD f32-lstm-cell variants: four units per vector; the remainder (units % 4) runs
// through the same vector code on a zero-padded copy, so there is one code path.
#include "kernels/f32-lstm-cell/f32-lstm-cell.h"
#include "kernels/math.h"

#if SHELFCAST_HAVE_SIMD
namespace shelfcast {
namespace {

template <simd::f32x4 (*RA)(simd::f32x4)>
inline void CellVec(const float* gi, const float* gf, const float* gc, const float* go, float* c,
                    float* h) {
  const simd::f32x4 cell = simd::add(simd::mul(RA(simd::load(gf)), simd::load(c)),
                                     simd::mul(RA(simd::load(gi)), simd::tanh(simd::load(gc))));
  simd::store(c, cell);
  simd::store(h, simd::mul(RA(simd::load(go)), simd::tanh(cell)));
}

template <simd::f32x4 (*RA)(simd::f32x4)>
void CellSimd(size_t units, const float* gates, float* c, float* h) {
  const float* gi = gates;
  const float* gf = gates + units;
  const float* gc = gates + 2 * units;
  const float* go = gates + 3 * units;
  size_t j = 0;
  for (; j + 4 <= units; j += 4) CellVec<RA>(gi + j, gf + j, gc + j, go + j, c + j, h + j);
  if (j < units) {
    const size_t n = units - j;
    float ti[4] = {0}, tf[4] = {0}, tc[4] = {0}, to[4] = {0}, tcell[4] = {0}, th[4];
    for (size_t k = 0; k < n; ++k) {
      ti[k] = gi[j + k]; tf[k] = gf[j + k]; tc[k] = gc[j + k]; to[k] = go[j + k]; tcell[k] = c[j + k];
    }
    CellVec<RA>(ti, tf, tc, to, tcell, th);
    for (size_t k = 0; k < n; ++k) { c[j + k] = tcell[k]; h[j + k] = th[k]; }
  }
}

}  // namespace

void f32_lstm_cell_sigmoid__simd(size_t units, const float* gates, float* c, float* h) {
  CellSimd<simd::sigmoid>(units, gates, c, h);
}
void f32_lstm_cell_hard_sigmoid__simd(size_t units, const float* gates, float* c, float* h) {
  CellSimd<simd::hard_sigmoid>(units, gates, c, h);
}
void f32_lstm_cell_hard_sigmoid_relu6__simd(size_t units, const float* gates, float* c, float* h) {
  CellSimd<simd::hard_sigmoid_relu6>(units, gates, c, h);
}
void f32_lstm_cell_relu__simd(size_t units, const float* gates, float* c, float* h) {
  CellSimd<simd::relu>(units, gates, c, h);
}

}  // namespace shelfcast
#endif

// Reference f32-lstm-cell variants: the formulas of f32-lstm-cell.h with std::exp/std::tanh.
#include <algorithm>
#include <cmath>

#include "kernels/f32-lstm-cell/f32-lstm-cell.h"

namespace shelfcast {
namespace {

inline float Sigmoid(float x) { return 1.f / (1.f + std::exp(-x)); }
// Keras 2: x * 0.2 then + 0.5, two roundings, as its backend computes it (no FMA).
inline float HardSigmoid(float x) { return std::min(std::max(0.2f * x + 0.5f, 0.f), 1.f); }
// Keras 3: relu6(x + 3) / 6; the division is correctly rounded, so scalar and SIMD agree bitwise.
inline float HardSigmoidRelu6(float x) { return std::min(std::max(x + 3.f, 0.f), 6.f) / 6.f; }
inline float Relu(float x) { return std::max(x, 0.f); }

template <float (*RA)(float)>
void CellScalar(size_t units, const float* gates, float* c, float* h) {
  const float* gi = gates;
  const float* gf = gates + units;
  const float* gc = gates + 2 * units;
  const float* go = gates + 3 * units;
  for (size_t j = 0; j < units; ++j) {
    const float cell = RA(gf[j]) * c[j] + RA(gi[j]) * std::tanh(gc[j]);
    c[j] = cell;
    h[j] = RA(go[j]) * std::tanh(cell);
  }
}

}  // namespace

void f32_lstm_cell_sigmoid__scalar(size_t units, const float* gates, float* c, float* h) {
  CellScalar<Sigmoid>(units, gates, c, h);
}
void f32_lstm_cell_hard_sigmoid__scalar(size_t units, const float* gates, float* c, float* h) {
  CellScalar<HardSigmoid>(units, gates, c, h);
}
void f32_lstm_cell_hard_sigmoid_relu6__scalar(size_t units, const float* gates, float* c, float* h) {
  CellScalar<HardSigmoidRelu6>(units, gates, c, h);
}
void f32_lstm_cell_relu__scalar(size_t units, const float* gates, float* c, float* h) {
  CellScalar<Relu>(units, gates, c, h);
}

}  // namespace shelfcast

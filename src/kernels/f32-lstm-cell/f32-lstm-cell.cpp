#include "kernels/f32-lstm-cell/f32-lstm-cell.h"

namespace shelfcast {

const std::vector<F32LstmCellVariant>& F32LstmCellVariants() {
  static const std::vector<F32LstmCellVariant> variants = {
#define SHELFCAST_F32_LSTM_CELL_VARIANT(fn, activation, is_simd) {#fn, fn, activation, is_simd},
#include "kernels/f32-lstm-cell/f32-lstm-cell.inc"
#undef SHELFCAST_F32_LSTM_CELL_VARIANT
  };
  return variants;
}

const F32LstmCellVariant* F32LstmCellFor(Activation recurrent_activation, bool use_simd) {
  const F32LstmCellVariant* best = nullptr;
  for (const F32LstmCellVariant& v : F32LstmCellVariants()) {
    if (v.recurrent_activation != recurrent_activation) continue;
    if (best == nullptr || (use_simd && v.simd)) best = &v;
  }
  return best;
}

}  // namespace shelfcast

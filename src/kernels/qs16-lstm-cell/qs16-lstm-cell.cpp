#include "kernels/qs16-lstm-cell/qs16-lstm-cell.h"

namespace shelfcast {

const std::vector<Qs16LstmCellVariant>& Qs16LstmCellVariants() {
  static const std::vector<Qs16LstmCellVariant> variants = {
#define SHELFCAST_QS16_LSTM_CELL_VARIANT(fn, activation) {#fn, fn, activation},
#include "kernels/qs16-lstm-cell/qs16-lstm-cell.inc"
#undef SHELFCAST_QS16_LSTM_CELL_VARIANT
  };
  return variants;
}

const Qs16LstmCellVariant* Qs16LstmCellFor(Activation recurrent_activation) {
  for (const Qs16LstmCellVariant& v : Qs16LstmCellVariants())
    if (v.recurrent_activation == recurrent_activation) return &v;
  return nullptr;
}

}  // namespace shelfcast

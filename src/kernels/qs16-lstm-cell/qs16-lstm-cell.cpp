#include "kernels/qs16-lstm-cell/qs16-lstm-cell.h"

namespace shelfcast {

const std::vector<Qs16LstmCellVariant>& Qs16LstmCellVariants() {
  static const std::vector<Qs16LstmCellVariant> variants = {
#define SHELFCAST_QS16_LSTM_CELL_VARIANT(fn) {#fn, fn},
#include "kernels/qs16-lstm-cell/qs16-lstm-cell.inc"
#undef SHELFCAST_QS16_LSTM_CELL_VARIANT
  };
  return variants;
}

const Qs16LstmCellVariant* Qs16LstmCellFor(Activation recurrent_activation) {
  if (recurrent_activation != Activation::kSigmoid && recurrent_activation != Activation::kHardSigmoid) return nullptr;
  return &Qs16LstmCellVariants().front();
}

}  // namespace shelfcast

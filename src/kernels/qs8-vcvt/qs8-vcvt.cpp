#include "kernels/qs8-vcvt/qs8-vcvt.h"

namespace shelfcast {

const std::vector<Qs8VcvtVariant>& Qs8VcvtVariants() {
  static const std::vector<Qs8VcvtVariant> variants = {
#define SHELFCAST_QS8_VCVT_VARIANT(name, quantize, dequantize, is_simd) \
  {#quantize " + " #dequantize, quantize, dequantize, is_simd},
#include "kernels/qs8-vcvt/qs8-vcvt.inc"
#undef SHELFCAST_QS8_VCVT_VARIANT
  };
  return variants;
}

const Qs8VcvtVariant& Qs8VcvtFor(bool use_simd) {
  const std::vector<Qs8VcvtVariant>& all = Qs8VcvtVariants();
  return use_simd ? all.back() : all.front();
}

}  // namespace shelfcast

#include <cstring>
#include <string>

#include "core/limits.h"
#include "format/crc32.h"
#include "format/encoding.h"
#include "format/reader.h"

namespace shelfcast {
namespace {

void PutU8(uint8_t v, std::vector<uint8_t>* out) { out->push_back(v); }
void PutU16(uint32_t v, std::vector<uint8_t>* out) {
  out->push_back(static_cast<uint8_t>(v));
  out->push_back(static_cast<uint8_t>(v >> 8));
}
void PutU32(uint32_t v, std::vector<uint8_t>* out) {
  for (int i = 0; i < 4; ++i) out->push_back(static_cast<uint8_t>(v >> (8 * i)));
}
void PutF32(float f, std::vector<uint8_t>* out) {
  uint32_t bits;
  std::memcpy(&bits, &f, 4);
  PutU32(bits, out);
}
void SetU32(size_t at, uint32_t v, std::vector<uint8_t>* out) {
  for (int i = 0; i < 4; ++i) (*out)[at + i] = static_cast<uint8_t>(v >> (8 * i));
}

}  // namespace

Result<std::vector<uint8_t>> WriteModel(const Model& model) {
  SHELFCAST_RETURN_IF_ERROR(ValidateModel(model));
  std::vector<uint8_t> out;
  out.insert(out.end(), kModelMagic, kModelMagic + 4);
  PutU16(kModelFormatVersion, &out);
  PutU16(0, &out);  // flags
  PutU32(0, &out);  // payload bytes, patched below
  PutU32(0, &out);  // CRC32, patched below

  PutU16(model.window, &out);
  PutU16(model.horizon, &out);
  PutU8(static_cast<uint8_t>(model.norm), &out);
  PutU8(model.calendar, &out);
  PutU8(static_cast<uint8_t>(model.layers.size()), &out);
  PutU8(0, &out);  // reserved
  PutF32(model.norm_offset, &out);
  PutF32(model.norm_scale, &out);
  for (size_t li = 0; li < model.layers.size(); ++li) {
    const Layer& layer = model.layers[li];
    PutU8(static_cast<uint8_t>(layer.kind), &out);
    PutU8(static_cast<uint8_t>(layer.activation), &out);
    PutU8(static_cast<uint8_t>(layer.recurrent_activation), &out);
    PutU8(static_cast<uint8_t>(layer.tensors.size()), &out);
    PutU16(layer.inputs, &out);
    PutU16(layer.units, &out);
    for (const Tensor& t : layer.tensors) {
      PutU8(static_cast<uint8_t>(t.role), &out);
      PutU8(static_cast<uint8_t>(t.encoding), &out);
      PutU16(t.rows, &out);
      PutU16(t.cols, &out);
      PutU32(static_cast<uint32_t>(EncodedTensorBytes(t)), &out);
      const size_t before = out.size();
      SHELFCAST_RETURN_IF_ERROR(EncodeTensorData(t, &out).WithContext(TensorName(model, li, t.role)));
      if (out.size() - before != EncodedTensorBytes(t))
        return Internal(TensorName(model, li, t.role) + ": encoded size disagrees with EncodedTensorBytes");
    }
  }
  // A file the reader would refuse is never written: the toolchain fails where the
  // model is made, not on the kiosk that loads it.
  if (out.size() > limits::kMaxModelBytes)
    return LimitExceeded("model file would be " + std::to_string(out.size()) + " bytes, over the cap of " +
                         std::to_string(limits::kMaxModelBytes) + " (store the weights as f16, int8 or sparse)");
  const size_t payload = out.size() - kModelHeaderBytes;
  SetU32(8, static_cast<uint32_t>(payload), &out);
  SetU32(12, Crc32(out.data() + kModelHeaderBytes, payload), &out);
  return out;
}

}  // namespace shelfcast

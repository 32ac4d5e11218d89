#include "format/reader.h"

#include <cmath>
#include <cstdio>
#include <cstring>
#include <string>

#include "core/checked.h"
#include "core/limits.h"
#include "format/crc32.h"
#include "format/encoding.h"

namespace shelfcast {
namespace {

// A cursor over untrusted bytes: every read is bounds-checked and says what it wanted.
class ByteReader {
 public:
  ByteReader(const uint8_t* data, size_t size, size_t base_offset)
      : data_(data), size_(size), base_(base_offset) {}

  size_t offset() const { return base_ + pos_; }
  size_t remaining() const { return size_ - pos_; }

  Status Need(size_t n, const char* what) const {
    if (n > remaining()) {
      return InvalidData("unexpected end of payload reading " + std::string(what) + " at byte " +
                         std::to_string(offset()) + ": needs " + std::to_string(n) +
                         " bytes, " + std::to_string(remaining()) + " left");
    }
    return Status::Ok();
  }
  Status U8(const char* what, uint8_t* out) {
    SHELFCAST_RETURN_IF_ERROR(Need(1, what));
    *out = data_[pos_++];
    return Status::Ok();
  }
  Status U16(const char* what, uint16_t* out) {
    SHELFCAST_RETURN_IF_ERROR(Need(2, what));
    *out = static_cast<uint16_t>(data_[pos_] | (data_[pos_ + 1] << 8));
    pos_ += 2;
    return Status::Ok();
  }
  Status U32(const char* what, uint32_t* out) {
    SHELFCAST_RETURN_IF_ERROR(Need(4, what));
    *out = LoadU32(data_ + pos_);
    pos_ += 4;
    return Status::Ok();
  }
  Status F32(const char* what, float* out) {
    uint32_t bits;
    SHELFCAST_RETURN_IF_ERROR(U32(what, &bits));
    std::memcpy(out, &bits, 4);
    return Status::Ok();
  }
  Status Bytes(size_t n, const char* what, const uint8_t** out) {
    SHELFCAST_RETURN_IF_ERROR(Need(n, what));
    *out = data_ + pos_;
    pos_ += n;
    return Status::Ok();
  }

  static uint32_t LoadU32(const uint8_t* p) {
    return static_cast<uint32_t>(p[0]) | (static_cast<uint32_t>(p[1]) << 8) |
           (static_cast<uint32_t>(p[2]) << 16) | (static_cast<uint32_t>(p[3]) << 24);
  }

 private:
  const uint8_t* data_;
  size_t size_;
  size_t base_;
  size_t pos_ = 0;
};

std::string Hex32(uint32_t v) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "0x%08X", v);
  return buf;
}

std::string PrintableMagic(const uint8_t* p) {
  std::string s;
  for (int i = 0; i < 4; ++i) {
    if (p[i] >= 0x20 && p[i] < 0x7F) {
      s += static_cast<char>(p[i]);
    } else {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02X", p[i]);
      s += buf;
    }
  }
  return s;
}

bool KnownActivation(uint8_t a) { return a <= static_cast<uint8_t>(Activation::kHardSigmoidRelu6); }

Status ReadTensor(ByteReader& in, const std::string& layer_name, Tensor* t) {
  uint8_t role, encoding;
  uint16_t rows, cols;
  uint32_t data_bytes;
  SHELFCAST_RETURN_IF_ERROR(in.U8("tensor role", &role));
  SHELFCAST_RETURN_IF_ERROR(in.U8("tensor encoding", &encoding));
  SHELFCAST_RETURN_IF_ERROR(in.U16("tensor rows", &rows));
  SHELFCAST_RETURN_IF_ERROR(in.U16("tensor cols", &cols));
  SHELFCAST_RETURN_IF_ERROR(in.U32("tensor byte count", &data_bytes));
  if (role < static_cast<uint8_t>(TensorRole::kKernel) || role > static_cast<uint8_t>(TensorRole::kActivationScales))
    return InvalidData(layer_name + ": unknown tensor role " + std::to_string(role));
  t->role = static_cast<TensorRole>(role);
  t->rows = rows;
  t->cols = cols;
  if (rows > limits::kMaxHidden * 4 || cols > limits::kMaxHidden * 4)
    return LimitExceeded(layer_name + ": tensor shape " + std::to_string(rows) + "x" +
                         std::to_string(cols) + " exceeds the cap of " +
                         std::to_string(limits::kMaxHidden * 4) + " per dimension");
  const uint8_t* bytes;
  SHELFCAST_RETURN_IF_ERROR(in.Bytes(data_bytes, "tensor data", &bytes));
  return DecodeTensorData(static_cast<Encoding>(encoding), encoding, bytes, data_bytes, t)
      .WithContext(layer_name + " tensor (role " + std::to_string(role) + ")");
}

}  // namespace

Result<Model> ReadModel(const uint8_t* data, size_t size) {
  if (data == nullptr && size != 0) return InvalidArgument("no model bytes given");
  if (size < kModelHeaderBytes)
    return InvalidData("model file truncated: " + std::to_string(size) +
                       " bytes, the header alone needs " + std::to_string(kModelHeaderBytes));
  if (std::memcmp(data, kModelMagic, 4) != 0)
    return InvalidData("not a shelfcast model file: magic is '" + PrintableMagic(data) +
                       "', expected 'SHCF'");
  const uint16_t version = static_cast<uint16_t>(data[4] | (data[5] << 8));
  const uint16_t flags = static_cast<uint16_t>(data[6] | (data[7] << 8));
  if (version != kModelFormatVersion)
    return Unsupported("unsupported model format version " + std::to_string(version) +
                       " (this build reads version " + std::to_string(kModelFormatVersion) + ")");
  if (flags != 0) return Unsupported("unsupported header flags " + Hex32(flags));
  if (size > limits::kMaxModelBytes)
    return LimitExceeded("model file is " + std::to_string(size) + " bytes, over the cap of " +
                         std::to_string(limits::kMaxModelBytes));
  const uint32_t payload_bytes = ByteReader::LoadU32(data + 8);
  const uint32_t stored_crc = ByteReader::LoadU32(data + 12);
  const size_t actual_payload = size - kModelHeaderBytes;
  if (payload_bytes > actual_payload)
    return InvalidData("model file truncated: header promises " + std::to_string(payload_bytes) +
                       " payload bytes, the file holds " + std::to_string(actual_payload));
  if (payload_bytes < actual_payload)
    return InvalidData("model file has " + std::to_string(actual_payload - payload_bytes) +
                       " unexpected bytes after the payload");
  const uint8_t* payload = data + kModelHeaderBytes;
  const uint32_t crc = Crc32(payload, payload_bytes);
  if (crc != stored_crc)
    return InvalidData("checksum mismatch: payload CRC32 is " + Hex32(crc) + ", header says " +
                       Hex32(stored_crc) + " (the file is corrupt)");

  ByteReader in(payload, payload_bytes, kModelHeaderBytes);
  Model model;
  uint16_t window, horizon;
  uint8_t norm, calendar, n_layers, reserved;
  SHELFCAST_RETURN_IF_ERROR(in.U16("window", &window));
  SHELFCAST_RETURN_IF_ERROR(in.U16("horizon", &horizon));
  SHELFCAST_RETURN_IF_ERROR(in.U8("normalisation kind", &norm));
  SHELFCAST_RETURN_IF_ERROR(in.U8("calendar features", &calendar));
  SHELFCAST_RETURN_IF_ERROR(in.U8("layer count", &n_layers));
  SHELFCAST_RETURN_IF_ERROR(in.U8("reserved byte", &reserved));
  SHELFCAST_RETURN_IF_ERROR(in.F32("normalisation offset", &model.norm_offset));
  SHELFCAST_RETURN_IF_ERROR(in.F32("normalisation scale", &model.norm_scale));
  if (reserved != 0) return InvalidData("reserved model byte is " + std::to_string(reserved) + ", expected 0");
  if (norm != static_cast<uint8_t>(NormKind::kGlobal) && norm != static_cast<uint8_t>(NormKind::kWindowMean))
    return Unsupported("unknown normalisation kind " + std::to_string(norm));
  model.window = window;
  model.horizon = horizon;
  model.norm = static_cast<NormKind>(norm);
  model.calendar = calendar;
  if (n_layers > limits::kMaxLayers)
    return LimitExceeded(std::to_string(n_layers) + " layers exceed the cap of " +
                         std::to_string(limits::kMaxLayers));

  model.layers.resize(n_layers);
  for (size_t li = 0; li < n_layers; ++li) {
    Layer& layer = model.layers[li];
    const std::string where = "layer " + std::to_string(li);
    uint8_t kind, activation, recurrent_activation, n_tensors;
    uint16_t inputs, units;
    SHELFCAST_RETURN_IF_ERROR(in.U8("layer kind", &kind));
    SHELFCAST_RETURN_IF_ERROR(in.U8("layer activation", &activation));
    SHELFCAST_RETURN_IF_ERROR(in.U8("layer recurrent activation", &recurrent_activation));
    SHELFCAST_RETURN_IF_ERROR(in.U8("layer tensor count", &n_tensors));
    SHELFCAST_RETURN_IF_ERROR(in.U16("layer inputs", &inputs));
    SHELFCAST_RETURN_IF_ERROR(in.U16("layer units", &units));
    if (kind != static_cast<uint8_t>(LayerKind::kLstm) && kind != static_cast<uint8_t>(LayerKind::kDense))
      return Unsupported(where + ": unknown layer kind " + std::to_string(kind));
    if (!KnownActivation(activation) || !KnownActivation(recurrent_activation))
      return Unsupported(where + ": unknown activation " +
                         std::to_string(KnownActivation(activation) ? recurrent_activation : activation));
    layer.kind = static_cast<LayerKind>(kind);
    layer.activation = static_cast<Activation>(activation);
    layer.recurrent_activation = static_cast<Activation>(recurrent_activation);
    layer.inputs = inputs;
    layer.units = units;
    const std::string name = std::string(LayerKindName(layer.kind)) + std::to_string(li);
    if (units > limits::kMaxHidden)
      return LimitExceeded(name + ": " + std::to_string(units) + " units exceed the cap of " +
                           std::to_string(limits::kMaxHidden));
    if (inputs > limits::kMaxHidden)
      return LimitExceeded(name + ": " + std::to_string(inputs) + " inputs exceed the cap of " +
                           std::to_string(limits::kMaxHidden));
    if (n_tensors > limits::kMaxTensorsPerLayer)
      return LimitExceeded(name + ": " + std::to_string(n_tensors) + " tensors exceed the cap of " +
                           std::to_string(limits::kMaxTensorsPerLayer));
    layer.tensors.resize(n_tensors);
    for (Tensor& t : layer.tensors) SHELFCAST_RETURN_IF_ERROR(ReadTensor(in, name, &t));
  }
  if (in.remaining() != 0)
    return InvalidData(std::to_string(in.remaining()) + " unread bytes at the end of the payload");
  SHELFCAST_RETURN_IF_ERROR(ValidateModel(model));
  return model;
}

}  // namespace shelfcast

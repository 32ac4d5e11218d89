#include "interop/onnx/protobuf.h"

#include <algorithm>
#include <climits>
#include <cstring>

namespace shelfcast::onnx {

const char* WireTypeName(WireType type) {
  switch (type) {
    case WireType::kVarint: return "varint";
    case WireType::kFixed64: return "64-bit";
    case WireType::kLengthDelimited: return "length-delimited";
    case WireType::kFixed32: return "32-bit";
  }
  return "unknown";
}

bool ReadVarint(const uint8_t* data, size_t size, size_t* pos, uint64_t* value) {
  uint64_t v = 0;
  for (int i = 0; i < 10; ++i) {
    if (*pos >= size) return false;
    const uint8_t b = data[(*pos)++];
    // The 10th byte may only carry the top bit of a 64-bit value.
    if (i == 9 && b > 1) return false;
    v |= static_cast<uint64_t>(b & 0x7F) << (7 * i);
    if ((b & 0x80) == 0) {
      *value = v;
      return true;
    }
  }
  return false;
}

ProtoReader::ProtoReader(const uint8_t* data, size_t size, std::string path, size_t base_offset, int depth)
    : data_(data), size_(size), path_(std::move(path)), base_offset_(base_offset), depth_(depth) {}

Status ProtoReader::Error(size_t offset, const std::string& what) const {
  return InvalidData(path_ + " at byte " + std::to_string(base_offset_ + offset) + ": " + what);
}

Result<bool> ProtoReader::Next(ProtoField* field) {
  if (pos_ >= size_) return false;
  const size_t start = pos_;
  uint64_t tag;
  if (!ReadVarint(data_, size_, &pos_, &tag)) return Error(start, "malformed varint in a field tag");
  const uint64_t number = tag >> 3;
  const uint32_t wire = static_cast<uint32_t>(tag & 7);
  // Protobuf field numbers are 1 .. 2^29 - 1.
  if (number == 0 || number > 0x1FFFFFFF)
    return Error(start, "field number " + std::to_string(number) + " is outside 1..536870911");
  field->number = static_cast<uint32_t>(number);
  field->offset = base_offset_ + start;
  field->data = nullptr;
  field->size = 0;
  field->value = 0;
  const std::string which = "field " + std::to_string(number);
  switch (wire) {
    case 0:
      field->wire_type = WireType::kVarint;
      if (!ReadVarint(data_, size_, &pos_, &field->value)) return Error(start, which + ": malformed varint value");
      return true;
    case 1:
    case 5: {
      const size_t n = wire == 1 ? 8 : 4;
      field->wire_type = wire == 1 ? WireType::kFixed64 : WireType::kFixed32;
      if (size_ - pos_ < n)
        return Error(start, which + ": " + std::to_string(n) + "-byte value runs past the end of the message");
      uint64_t v = 0;
      for (size_t i = 0; i < n; ++i) v |= static_cast<uint64_t>(data_[pos_ + i]) << (8 * i);
      field->value = v;
      pos_ += n;
      return true;
    }
    case 2: {
      field->wire_type = WireType::kLengthDelimited;
      uint64_t len;
      if (!ReadVarint(data_, size_, &pos_, &len)) return Error(start, which + ": malformed length varint");
      if (len > size_ - pos_)
        return Error(start, which + ": length " + std::to_string(len) + " runs past the end of the message (" +
                                std::to_string(size_ - pos_) + " bytes left)");
      field->data = data_ + pos_;
      field->size = static_cast<size_t>(len);
      pos_ += field->size;
      return true;
    }
    case 3:
    case 4:
      return Error(start, which + ": wire type " + std::to_string(wire) + " (group) is not supported");
    default:
      return Error(start, which + ": wire type " + std::to_string(wire) + " is invalid");
  }
}

Result<ProtoReader> ProtoReader::Nested(const ProtoField& field, const std::string& name) const {
  if (field.wire_type != WireType::kLengthDelimited)
    return Expect(field, WireType::kLengthDelimited, name.c_str());
  if (depth_ + 1 >= kMaxDepth)
    return InvalidData(path_ + "." + name + ": messages nest deeper than " + std::to_string(kMaxDepth) +
                       " levels");
  // The payload's offset in the file: the field's data pointer relative to ours.
  const size_t offset = base_offset_ + static_cast<size_t>(field.data - data_);
  return ProtoReader(field.data, field.size, path_ + "." + name, offset, depth_ + 1);
}

Status ProtoReader::Expect(const ProtoField& field, WireType type, const char* field_name) const {
  if (field.wire_type == type) return Status::Ok();
  return InvalidData(path_ + " at byte " + std::to_string(field.offset) + ": " + field_name + " (field " +
                     std::to_string(field.number) + ") has wire type " + WireTypeName(field.wire_type) +
                     ", expected " + WireTypeName(type));
}

namespace {

Status TooMany(const std::string& path, const char* field_name, size_t max_count) {
  return LimitExceeded(path + ": " + field_name + " has more than " + std::to_string(max_count) + " values");
}

}  // namespace

Status ProtoReader::AppendInt64s(const ProtoField& field, const char* field_name, size_t max_count,
                                 std::vector<int64_t>* out) const {
  if (field.wire_type == WireType::kVarint) {
    if (out->size() >= max_count) return TooMany(path_, field_name, max_count);
    out->push_back(static_cast<int64_t>(field.value));
    return Status::Ok();
  }
  SHELFCAST_RETURN_IF_ERROR(Expect(field, WireType::kLengthDelimited, field_name));
  size_t pos = 0;
  while (pos < field.size) {
    uint64_t v;
    if (!ReadVarint(field.data, field.size, &pos, &v))
      return InvalidData(path_ + " at byte " + std::to_string(field.offset) + ": " + field_name +
                         ": malformed varint in a packed list");
    if (out->size() >= max_count) return TooMany(path_, field_name, max_count);
    out->push_back(static_cast<int64_t>(v));
  }
  return Status::Ok();
}

Status ProtoReader::AppendInt32s(const ProtoField& field, const char* field_name, size_t max_count,
                                 std::vector<int32_t>* out) const {
  std::vector<int64_t> wide;
  SHELFCAST_RETURN_IF_ERROR(AppendInt64s(field, field_name, max_count - std::min(max_count, out->size()), &wide));
  for (int64_t v : wide) {
    // int32 fields are sign-extended to 64 bits on the wire; anything else is corrupt.
    if (v < INT32_MIN || v > INT32_MAX)
      return InvalidData(path_ + " at byte " + std::to_string(field.offset) + ": " + field_name + ": value " +
                         std::to_string(v) + " does not fit in int32");
    out->push_back(static_cast<int32_t>(v));
  }
  return Status::Ok();
}

Status ProtoReader::AppendFloats(const ProtoField& field, const char* field_name, size_t max_count,
                                 std::vector<float>* out) const {
  if (field.wire_type == WireType::kFixed32) {
    if (out->size() >= max_count) return TooMany(path_, field_name, max_count);
    const uint32_t bits = static_cast<uint32_t>(field.value);
    float f;
    std::memcpy(&f, &bits, 4);
    out->push_back(f);
    return Status::Ok();
  }
  SHELFCAST_RETURN_IF_ERROR(Expect(field, WireType::kLengthDelimited, field_name));
  if (field.size % 4 != 0)
    return InvalidData(path_ + " at byte " + std::to_string(field.offset) + ": " + field_name + ": packed length " +
                       std::to_string(field.size) + " is not a multiple of 4");
  const size_t n = field.size / 4;
  if (n > max_count - std::min(max_count, out->size())) return TooMany(path_, field_name, max_count);
  const size_t at = out->size();
  out->resize(at + n);
  for (size_t i = 0; i < n; ++i) {
    const uint8_t* p = field.data + 4 * i;
    const uint32_t bits = p[0] | (p[1] << 8) | (p[2] << 16) | (static_cast<uint32_t>(p[3]) << 24);
    std::memcpy(&(*out)[at + i], &bits, 4);
  }
  return Status::Ok();
}

Status ProtoReader::AppendDoubles(const ProtoField& field, const char* field_name, size_t max_count,
                                  std::vector<double>* out) const {
  if (field.wire_type == WireType::kFixed64) {
    if (out->size() >= max_count) return TooMany(path_, field_name, max_count);
    double d;
    std::memcpy(&d, &field.value, 8);
    out->push_back(d);
    return Status::Ok();
  }
  SHELFCAST_RETURN_IF_ERROR(Expect(field, WireType::kLengthDelimited, field_name));
  if (field.size % 8 != 0)
    return InvalidData(path_ + " at byte " + std::to_string(field.offset) + ": " + field_name + ": packed length " +
                       std::to_string(field.size) + " is not a multiple of 8");
  const size_t n = field.size / 8;
  if (n > max_count - std::min(max_count, out->size())) return TooMany(path_, field_name, max_count);
  for (size_t i = 0; i < n; ++i) {
    uint64_t bits = 0;
    for (size_t b = 0; b < 8; ++b) bits |= static_cast<uint64_t>(field.data[8 * i + b]) << (8 * b);
    double d;
    std::memcpy(&d, &bits, 8);
    out->push_back(d);
  }
  return Status::Ok();
}

Status ProtoReader::ReadString(const ProtoField& field, const char* field_name, size_t max_bytes,
                               std::string* out) const {
  SHELFCAST_RETURN_IF_ERROR(Expect(field, WireType::kLengthDelimited, field_name));
  if (field.size > max_bytes)
    return LimitExceeded(path_ + " at byte " + std::to_string(field.offset) + ": " + field_name + " is " +
                         std::to_string(field.size) + " bytes, the cap is " + std::to_string(max_bytes));
  out->assign(reinterpret_cast<const char*>(field.data), field.size);
  return Status::Ok();
}

void ProtoWriter::RawVarint(uint64_t value) {
  while (value >= 0x80) {
    bytes_.push_back(static_cast<uint8_t>(value | 0x80));
    value >>= 7;
  }
  bytes_.push_back(static_cast<uint8_t>(value));
}

void ProtoWriter::RawTag(uint32_t field, WireType type) {
  RawVarint((static_cast<uint64_t>(field) << 3) | static_cast<uint32_t>(type));
}

void ProtoWriter::RawBytes(const void* data, size_t size) {
  const uint8_t* p = static_cast<const uint8_t*>(data);
  bytes_.insert(bytes_.end(), p, p + size);
}

void ProtoWriter::Varint(uint32_t field, uint64_t value) {
  RawTag(field, WireType::kVarint);
  RawVarint(value);
}

void ProtoWriter::Float(uint32_t field, float value) {
  RawTag(field, WireType::kFixed32);
  uint32_t bits;
  std::memcpy(&bits, &value, 4);
  for (int i = 0; i < 4; ++i) bytes_.push_back(static_cast<uint8_t>(bits >> (8 * i)));
}

void ProtoWriter::Bytes(uint32_t field, const void* data, size_t size) {
  RawTag(field, WireType::kLengthDelimited);
  RawVarint(size);
  RawBytes(data, size);
}

void ProtoWriter::PackedInt64s(uint32_t field, const std::vector<int64_t>& values) {
  ProtoWriter packed;
  for (int64_t v : values) packed.RawVarint(static_cast<uint64_t>(v));
  Bytes(field, packed.data(), packed.size());
}

void ProtoWriter::PackedInt32s(uint32_t field, const std::vector<int32_t>& values) {
  ProtoWriter packed;
  // Negative int32 values are sign-extended to 10-byte varints, as protobuf does.
  for (int32_t v : values) packed.RawVarint(static_cast<uint64_t>(static_cast<int64_t>(v)));
  Bytes(field, packed.data(), packed.size());
}

void ProtoWriter::PackedFloats(uint32_t field, const std::vector<float>& values) {
  RawTag(field, WireType::kLengthDelimited);
  RawVarint(values.size() * 4);
  for (float f : values) {
    uint32_t bits;
    std::memcpy(&bits, &f, 4);
    for (int i = 0; i < 4; ++i) bytes_.push_back(static_cast<uint8_t>(bits >> (8 * i)));
  }
}

}  // namespace shelfcast::onnx

// A small protobuf wire-format reader and writer: the subset ONNX files use (varint,
// 64-bit, length-delimited and 32-bit fields; packed and unpacked repeated scalars).
//
//   ProtoReader r(bytes, size, "ModelProto");
//   ProtoField f;
//   while (true) {
//     Result<bool> more = r.Next(&f);             // false at the end of the message
//     if (!more.ok()) return more.status();       // "ModelProto: field 7 at byte 12: ..."
//     if (!*more) break;
//     if (f.number == 7) { ProtoReader graph = r.Nested(f, "graph"); ... }
//   }
//
// Every input is untrusted: a varint longer than 10 bytes or overflowing 64 bits, a
// length that runs past its message, a field number of 0 or above 2^29 - 1, a wire type
// that is not 0, 1, 2 or 5 (groups are refused), nesting deeper than kMaxDepth: each is
// an error naming the message path and byte offset, never a read out of bounds.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "core/status.h"

namespace shelfcast::onnx {

enum class WireType : uint8_t { kVarint = 0, kFixed64 = 1, kLengthDelimited = 2, kFixed32 = 5 };

const char* WireTypeName(WireType type);

struct ProtoField {
  uint32_t number = 0;
  WireType wire_type = WireType::kVarint;
  uint64_t value = 0;             // kVarint, kFixed64, kFixed32: the raw bits
  const uint8_t* data = nullptr;  // kLengthDelimited: the payload
  size_t size = 0;
  size_t offset = 0;  // byte offset of the field's tag in the whole file
};

class ProtoReader {
 public:
  // Messages nest at most this deep (ONNX needs 7: model, graph, node, attribute,
  // tensor, ...; deeper files are refused before any recursion can exhaust the stack).
  static constexpr int kMaxDepth = 16;

  // `path` names the message in errors ("ModelProto.graph.node[3]"); `base_offset` is the
  // message's offset in the file, so errors give file offsets.
  ProtoReader(const uint8_t* data, size_t size, std::string path, size_t base_offset = 0, int depth = 0);

  // Reads the next field into *field: true if there was one, false at the end.
  Result<bool> Next(ProtoField* field);

  // A reader over a length-delimited field holding a sub-message; fails (Status) when the
  // nesting cap is reached.
  Result<ProtoReader> Nested(const ProtoField& field, const std::string& name) const;

  const std::string& path() const { return path_; }
  int depth() const { return depth_; }

  // Checks that a field has the wire type its schema gives, naming field and message.
  Status Expect(const ProtoField& field, WireType type, const char* field_name) const;

  // Decoders for length-delimited payloads of repeated scalars, accepting both the
  // packed form and (via Append*) one value per field, as protobuf parsers must.
  // `max_count` caps the total number of elements in *out.
  Status AppendInt64s(const ProtoField& field, const char* field_name, size_t max_count,
                      std::vector<int64_t>* out) const;
  Status AppendInt32s(const ProtoField& field, const char* field_name, size_t max_count,
                      std::vector<int32_t>* out) const;
  Status AppendFloats(const ProtoField& field, const char* field_name, size_t max_count,
                      std::vector<float>* out) const;
  Status AppendDoubles(const ProtoField& field, const char* field_name, size_t max_count,
                       std::vector<double>* out) const;
  // A string field with a length cap.
  Status ReadString(const ProtoField& field, const char* field_name, size_t max_bytes,
                    std::string* out) const;

 private:
  Status Error(size_t offset, const std::string& what) const;

  const uint8_t* data_;
  size_t size_;
  size_t pos_ = 0;
  std::string path_;
  size_t base_offset_;
  int depth_;
};

// Decodes one varint from [data, data + size) starting at *pos; false when it is
// truncated, longer than 10 bytes or overflows 64 bits.
bool ReadVarint(const uint8_t* data, size_t size, size_t* pos, uint64_t* value);

class ProtoWriter {
 public:
  void Varint(uint32_t field, uint64_t value);
  void Int64(uint32_t field, int64_t value) { Varint(field, static_cast<uint64_t>(value)); }
  void Float(uint32_t field, float value);
  void Bytes(uint32_t field, const void* data, size_t size);
  void String(uint32_t field, const std::string& s) { Bytes(field, s.data(), s.size()); }
  void Message(uint32_t field, const ProtoWriter& message) { Bytes(field, message.data(), message.size()); }
  void PackedInt64s(uint32_t field, const std::vector<int64_t>& values);
  void PackedInt32s(uint32_t field, const std::vector<int32_t>& values);
  void PackedFloats(uint32_t field, const std::vector<float>& values);

  const uint8_t* data() const { return bytes_.data(); }
  size_t size() const { return bytes_.size(); }
  const std::vector<uint8_t>& bytes() const { return bytes_; }

  // Raw encoders, for tests that build malformed messages.
  void RawVarint(uint64_t value);
  void RawTag(uint32_t field, WireType type);
  void RawBytes(const void* data, size_t size);

 private:
  std::vector<uint8_t> bytes_;
};

}  // namespace shelfcast::onnx

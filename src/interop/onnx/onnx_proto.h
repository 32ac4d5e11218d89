// The subset of onnx.proto (https://github.com/onnx/onnx/blob/main/onnx/onnx.proto) that
// shelfcast reads and writes, as plain structs, with a bounds-checked parser and a
// serialiser on protobuf.h. Field numbers are the schema's; fields this subset does not
// model (doc strings, training info, functions, ...) are skipped on read, after their
// wire format is checked like every other field.
//
//   Result<ModelProto> m = ParseModelProto(bytes.data(), bytes.size());
//   std::vector<uint8_t> out = SerializeModelProto(*m);
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "core/status.h"

namespace shelfcast::onnx {

// Caps on what a parsed file may hold; each one is a kLimitExceeded error naming it.
namespace caps {
inline constexpr size_t kMaxFileBytes = 16u << 20;  // an LSTM-512 float export is ~4.3 MB
inline constexpr size_t kMaxNodes = 4096;
inline constexpr size_t kMaxInitializers = 4096;
inline constexpr size_t kMaxGraphValues = 4096;     // inputs, outputs, value_info (each)
inline constexpr size_t kMaxNodeIo = 64;            // inputs or outputs of one node
inline constexpr size_t kMaxAttributes = 64;        // per node
inline constexpr size_t kMaxOpsets = 64;
inline constexpr size_t kMaxMetadata = 256;
inline constexpr size_t kMaxDims = 8;               // tensor rank
inline constexpr size_t kMaxListValues = 1024;      // ints / floats / strings of one attribute
inline constexpr size_t kMaxElements = 4u << 20;    // values of one tensor
inline constexpr size_t kMaxNameBytes = 4096;       // names, op types, domains, strings
}  // namespace caps

// TensorProto.DataType values used here.
enum DataType : int32_t {
  kUndefined = 0, kFloat = 1, kUint8 = 2, kInt8 = 3, kUint16 = 4, kInt16 = 5, kInt32 = 6, kInt64 = 7,
  kString = 8, kBool = 9, kFloat16 = 10, kDouble = 11, kUint32 = 12, kUint64 = 13,
};
const char* DataTypeName(int32_t type);

// AttributeProto.AttributeType values.
enum AttributeType : int32_t {
  kAttrUndefined = 0, kAttrFloat = 1, kAttrInt = 2, kAttrString = 3, kAttrTensor = 4, kAttrGraph = 5,
  kAttrFloats = 6, kAttrInts = 7, kAttrStrings = 8, kAttrTensors = 9, kAttrGraphs = 10,
};
const char* AttributeTypeName(int32_t type);

struct TensorProto {
  std::string name;
  std::vector<int64_t> dims;
  int32_t data_type = kUndefined;
  std::vector<float> float_data;
  std::vector<int32_t> int32_data;   // int8/uint8/int16/... widened, and float16 bits
  std::vector<int64_t> int64_data;
  std::vector<double> double_data;
  std::string raw_data;              // little-endian elements, when used
  bool has_raw_data = false;
  bool external = false;             // data stored in another file: refused by importers

  // Number of elements the dims describe; false (and an error) when a dim is negative or
  // the product overflows or exceeds caps::kMaxElements.
  Status ElementCount(size_t* count) const;
};

struct AttributeProto {
  std::string name;
  int32_t type = kAttrUndefined;
  float f = 0.f;
  int64_t i = 0;
  std::string s;
  bool has_t = false;
  TensorProto t;
  bool has_graph = false;  // g or graphs: subgraphs are not parsed (no importer takes them)
  std::vector<float> floats;
  std::vector<int64_t> ints;
  std::vector<std::string> strings;
};

struct NodeProto {
  std::vector<std::string> inputs;
  std::vector<std::string> outputs;
  std::string name;
  std::string op_type;
  std::string domain;
  std::vector<AttributeProto> attributes;

  const AttributeProto* Find(const std::string& attribute) const;
};

struct Dimension {
  bool has_value = false;
  int64_t value = 0;
  std::string param;  // symbolic name, e.g. "batch"
};

struct ValueInfoProto {
  std::string name;
  int32_t elem_type = kUndefined;  // 0 when the type is not a tensor or absent
  bool has_shape = false;
  std::vector<Dimension> dims;
};

struct GraphProto {
  std::string name;
  std::vector<NodeProto> nodes;
  std::vector<TensorProto> initializers;
  std::vector<ValueInfoProto> inputs;
  std::vector<ValueInfoProto> outputs;
  std::vector<ValueInfoProto> value_info;
  size_t sparse_initializers = 0;  // counted only: importers refuse them
};

struct OperatorSetId {
  std::string domain;  // "" is the default ONNX domain ("ai.onnx")
  int64_t version = 0;
};

struct ModelProto {
  int64_t ir_version = 0;
  std::vector<OperatorSetId> opset_imports;
  std::string producer_name;
  std::string producer_version;
  std::string doc_string;
  std::vector<std::pair<std::string, std::string>> metadata;  // metadata_props
  bool has_graph = false;
  GraphProto graph;

  // The opset version imported for a domain ("" and "ai.onnx" are the same); 0 if absent.
  int64_t OpsetVersion(const std::string& domain) const;
};

Result<ModelProto> ParseModelProto(const uint8_t* data, size_t size);
std::vector<uint8_t> SerializeModelProto(const ModelProto& model);

}  // namespace shelfcast::onnx

// The ONNX subset: serialise -> parse round trips, and malformed files refused with the
// message path and byte offset of what is wrong.
#include <catch2/catch.hpp>

#include "interop/onnx/onnx_proto.h"
#include "interop/onnx/protobuf.h"

using namespace shelfcast;
using namespace shelfcast::onnx;

namespace {

std::string ParseError(const ProtoWriter& w) {
  Result<ModelProto> m = ParseModelProto(w.data(), w.size());
  REQUIRE_FALSE(m.ok());
  return m.status().message();
}

ModelProto Sample() {
  ModelProto m;
  m.ir_version = 8;
  m.producer_name = "test";
  m.opset_imports = {{"", 17}, {"com.microsoft", 1}};
  m.metadata = {{"k", "v"}};
  m.has_graph = true;
  m.graph.name = "g";
  NodeProto n;
  n.name = "n0";
  n.op_type = "LSTM";
  n.inputs = {"x", "W", "", "B"};
  n.outputs = {"", "h"};
  AttributeProto a;
  a.name = "activations";
  a.type = kAttrStrings;
  a.strings = {"Sigmoid", "Tanh", "Tanh"};
  n.attributes.push_back(a);
  a = {};
  a.name = "activation_alpha";
  a.type = kAttrFloats;
  a.floats = {0.2f, -1.5f};
  n.attributes.push_back(a);
  a = {};
  a.name = "hidden_size";
  a.type = kAttrInt;
  a.i = -3;
  n.attributes.push_back(a);
  m.graph.nodes.push_back(n);
  TensorProto t;
  t.name = "W";
  t.dims = {1, 2};
  t.data_type = kFloat;
  t.float_data = {1.f, -2.f};
  m.graph.initializers.push_back(t);
  t = {};
  t.name = "axes";
  t.dims = {2};
  t.data_type = kInt64;
  t.int64_data = {-1, int64_t{1} << 40};
  m.graph.initializers.push_back(t);
  ValueInfoProto v;
  v.name = "x";
  v.elem_type = kFloat;
  v.has_shape = true;
  v.dims.resize(2);
  v.dims[0].param = "batch";
  v.dims[1].has_value = true;
  v.dims[1].value = 30;
  m.graph.inputs.push_back(v);
  return m;
}

}  // namespace

TEST_CASE("an ONNX model survives serialise -> parse unchanged", "[interop][onnx]") {
  const ModelProto m = Sample();
  const std::vector<uint8_t> bytes = SerializeModelProto(m);
  Result<ModelProto> back = ParseModelProto(bytes.data(), bytes.size());
  REQUIRE(back.ok());
  CHECK(back->ir_version == 8);
  CHECK(back->OpsetVersion("") == 17);
  CHECK(back->OpsetVersion("ai.onnx") == 17);
  CHECK(back->OpsetVersion("com.microsoft") == 1);
  CHECK(back->metadata == m.metadata);
  const NodeProto& n = back->graph.nodes.at(0);
  CHECK(n.op_type == "LSTM");
  CHECK(n.inputs == m.graph.nodes[0].inputs);
  CHECK(n.outputs == m.graph.nodes[0].outputs);
  CHECK(n.Find("activations")->strings == std::vector<std::string>{"Sigmoid", "Tanh", "Tanh"});
  CHECK(n.Find("activation_alpha")->floats == std::vector<float>{0.2f, -1.5f});
  CHECK(n.Find("hidden_size")->i == -3);
  CHECK(back->graph.initializers.at(0).float_data == std::vector<float>{1.f, -2.f});
  CHECK(back->graph.initializers.at(1).int64_data == std::vector<int64_t>{-1, int64_t{1} << 40});
  CHECK(back->graph.inputs.at(0).dims.at(0).param == "batch");
  CHECK(back->graph.inputs.at(0).dims.at(1).value == 30);
  CHECK(SerializeModelProto(*back) == bytes);
}

TEST_CASE("malformed ONNX files give exact errors", "[interop][onnx]") {
  CHECK(ParseModelProto(nullptr, 0).status().message() == "ONNX file is empty");
  std::vector<uint8_t> huge(caps::kMaxFileBytes + 1, 0);
  CHECK(ParseModelProto(huge.data(), huge.size()).status().message() ==
        "ONNX file of 16777217 bytes exceeds the cap of 16777216");

  ProtoWriter wrong_type;
  wrong_type.String(1, "8");  // ir_version must be a varint
  CHECK(ParseError(wrong_type) == "ModelProto at byte 0: ir_version (field 1) has wire type length-delimited, expected varint");

  ProtoWriter truncated_graph;
  truncated_graph.Int64(1, 8);
  truncated_graph.RawTag(7, WireType::kLengthDelimited);
  truncated_graph.RawVarint(100);
  truncated_graph.RawBytes("abc", 3);
  CHECK(ParseError(truncated_graph) == "ModelProto at byte 2: field 7: length 100 runs past the end of the message (3 bytes left)");

  // A node whose attribute's tensor has a malformed dims list: the path names all of it.
  ProtoWriter tensor;
  tensor.RawTag(1, WireType::kLengthDelimited);
  tensor.RawVarint(2);
  tensor.RawBytes("\x80\x80", 2);
  ProtoWriter attr;
  attr.String(1, "value");
  attr.Message(5, tensor);
  ProtoWriter node;
  node.String(4, "Constant");
  node.Message(5, attr);
  ProtoWriter graph;
  graph.Message(1, node);
  ProtoWriter model;
  model.Message(7, graph);
  CHECK(ParseError(model) == "ModelProto.graph.node[0].attribute[0].t at byte 25: dims: malformed varint in a packed list");

  ProtoWriter many_dims;
  for (int i = 0; i < 9; ++i) many_dims.Int64(1, 1);
  ProtoWriter g2;
  g2.Message(5, many_dims);
  ProtoWriter m2;
  m2.Message(7, g2);
  CHECK(ParseError(m2) == "ModelProto.graph.initializer[0]: dims has more than 8 values");

  ProtoWriter two_graphs;
  two_graphs.Message(7, ProtoWriter());
  two_graphs.Message(7, ProtoWriter());
  CHECK(ParseError(two_graphs) == "ModelProto at byte 2: a second graph");

  ProtoWriter long_name;
  long_name.String(2, std::string(caps::kMaxNameBytes + 1, 'x'));
  CHECK(ParseError(long_name) == "ModelProto at byte 0: producer_name is 4097 bytes, the cap is 4096");

  ProtoWriter group;
  group.RawTag(7, static_cast<WireType>(3));
  CHECK(ParseError(group) == "ModelProto at byte 0: field 7: wire type 3 (group) is not supported");

  // Unknown fields are skipped after their wire format is checked.
  ProtoWriter unknown;
  unknown.String(99, "future");
  unknown.Int64(1, 9);
  Result<ModelProto> ok = ParseModelProto(unknown.data(), unknown.size());
  REQUIRE(ok.ok());
  CHECK(ok->ir_version == 9);
  CHECK_FALSE(ok->has_graph);
}

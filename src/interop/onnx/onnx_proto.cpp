#include "interop/onnx/onnx_proto.h"

#include <cstring>

#include "core/checked.h"
#include "interop/onnx/protobuf.h"

namespace shelfcast::onnx {

const char* DataTypeName(int32_t type) {
  switch (type) {
    case kUndefined: return "UNDEFINED";
    case kFloat: return "FLOAT";
    case kUint8: return "UINT8";
    case kInt8: return "INT8";
    case kUint16: return "UINT16";
    case kInt16: return "INT16";
    case kInt32: return "INT32";
    case kInt64: return "INT64";
    case kString: return "STRING";
    case kBool: return "BOOL";
    case kFloat16: return "FLOAT16";
    case kDouble: return "DOUBLE";
    case kUint32: return "UINT32";
    case kUint64: return "UINT64";
  }
  return "an unknown data type";
}

const char* AttributeTypeName(int32_t type) {
  switch (type) {
    case kAttrUndefined: return "UNDEFINED";
    case kAttrFloat: return "FLOAT";
    case kAttrInt: return "INT";
    case kAttrString: return "STRING";
    case kAttrTensor: return "TENSOR";
    case kAttrGraph: return "GRAPH";
    case kAttrFloats: return "FLOATS";
    case kAttrInts: return "INTS";
    case kAttrStrings: return "STRINGS";
    case kAttrTensors: return "TENSORS";
    case kAttrGraphs: return "GRAPHS";
  }
  return "an unknown attribute type";
}

Status TensorProto::ElementCount(size_t* count) const {
  size_t n = 1;
  for (int64_t d : dims) {
    if (d < 0) return InvalidData("tensor '" + name + "': dimension " + std::to_string(d) + " is negative");
    if (!CheckedMul(n, static_cast<size_t>(d), &n) || n > caps::kMaxElements)
      return LimitExceeded("tensor '" + name + "': more than " + std::to_string(caps::kMaxElements) + " elements");
  }
  *count = n;
  return Status::Ok();
}

const AttributeProto* NodeProto::Find(const std::string& attribute) const {
  for (const AttributeProto& a : attributes)
    if (a.name == attribute) return &a;
  return nullptr;
}

int64_t ModelProto::OpsetVersion(const std::string& domain) const {
  const auto is_default = [](const std::string& d) { return d.empty() || d == "ai.onnx"; };
  for (const OperatorSetId& o : opset_imports)
    if (o.domain == domain || (is_default(o.domain) && is_default(domain))) return o.version;
  return 0;
}

namespace {

using caps::kMaxNameBytes;

std::string Indexed(const char* name, size_t i) { return std::string(name) + "[" + std::to_string(i) + "]"; }

Status CapReached(const ProtoReader& r, const char* what, size_t cap) {
  return LimitExceeded(r.path() + ": more than " + std::to_string(cap) + " " + what);
}

Status ReadInt(const ProtoReader& r, const ProtoField& f, const char* name, int64_t* out) {
  SHELFCAST_RETURN_IF_ERROR(r.Expect(f, WireType::kVarint, name));
  *out = static_cast<int64_t>(f.value);
  return Status::Ok();
}

Status ReadInt32(const ProtoReader& r, const ProtoField& f, const char* name, int32_t* out) {
  int64_t v;
  SHELFCAST_RETURN_IF_ERROR(ReadInt(r, f, name, &v));
  if (v < INT32_MIN || v > INT32_MAX)
    return InvalidData(r.path() + " at byte " + std::to_string(f.offset) + ": " + name + ": value " +
                       std::to_string(v) + " does not fit in int32");
  *out = static_cast<int32_t>(v);
  return Status::Ok();
}

Status ParseTensor(ProtoReader r, TensorProto* t) {
  ProtoField f;
  while (true) {
    SHELFCAST_ASSIGN_OR_RETURN(const bool more, r.Next(&f));
    if (!more) break;
    switch (f.number) {
      case 1: {
        SHELFCAST_RETURN_IF_ERROR(r.AppendInt64s(f, "dims", caps::kMaxDims, &t->dims));
        break;
      }
      case 2: SHELFCAST_RETURN_IF_ERROR(ReadInt32(r, f, "data_type", &t->data_type)); break;
      case 4: SHELFCAST_RETURN_IF_ERROR(r.AppendFloats(f, "float_data", caps::kMaxElements, &t->float_data)); break;
      case 5: SHELFCAST_RETURN_IF_ERROR(r.AppendInt32s(f, "int32_data", caps::kMaxElements, &t->int32_data)); break;
      case 7: SHELFCAST_RETURN_IF_ERROR(r.AppendInt64s(f, "int64_data", caps::kMaxElements, &t->int64_data)); break;
      case 8: SHELFCAST_RETURN_IF_ERROR(r.ReadString(f, "name", kMaxNameBytes, &t->name)); break;
      case 9:
        SHELFCAST_RETURN_IF_ERROR(r.ReadString(f, "raw_data", caps::kMaxFileBytes, &t->raw_data));
        t->has_raw_data = true;
        break;
      case 10: SHELFCAST_RETURN_IF_ERROR(r.AppendDoubles(f, "double_data", caps::kMaxElements, &t->double_data)); break;
      case 13: t->external = true; break;  // external_data entries
      case 14: {
        int64_t location;
        SHELFCAST_RETURN_IF_ERROR(ReadInt(r, f, "data_location", &location));
        if (location != 0) t->external = true;
        break;
      }
      default: break;
    }
  }
  return Status::Ok();
}

Status ParseAttribute(ProtoReader r, AttributeProto* a) {
  ProtoField f;
  while (true) {
    SHELFCAST_ASSIGN_OR_RETURN(const bool more, r.Next(&f));
    if (!more) break;
    switch (f.number) {
      case 1: SHELFCAST_RETURN_IF_ERROR(r.ReadString(f, "name", kMaxNameBytes, &a->name)); break;
      case 20: SHELFCAST_RETURN_IF_ERROR(ReadInt32(r, f, "type", &a->type)); break;
      case 2: {
        SHELFCAST_RETURN_IF_ERROR(r.Expect(f, WireType::kFixed32, "f"));
        const uint32_t bits = static_cast<uint32_t>(f.value);
        std::memcpy(&a->f, &bits, 4);
        break;
      }
      case 3: SHELFCAST_RETURN_IF_ERROR(ReadInt(r, f, "i", &a->i)); break;
      case 4: SHELFCAST_RETURN_IF_ERROR(r.ReadString(f, "s", kMaxNameBytes, &a->s)); break;
      case 5: {
        SHELFCAST_ASSIGN_OR_RETURN(ProtoReader nested, r.Nested(f, "t"));
        SHELFCAST_RETURN_IF_ERROR(ParseTensor(nested, &a->t));
        a->has_t = true;
        break;
      }
      case 6:
      case 11:
        SHELFCAST_RETURN_IF_ERROR(r.Expect(f, WireType::kLengthDelimited, f.number == 6 ? "g" : "graphs"));
        a->has_graph = true;
        break;
      case 7: SHELFCAST_RETURN_IF_ERROR(r.AppendFloats(f, "floats", caps::kMaxListValues, &a->floats)); break;
      case 8: SHELFCAST_RETURN_IF_ERROR(r.AppendInt64s(f, "ints", caps::kMaxListValues, &a->ints)); break;
      case 9: {
        if (a->strings.size() >= caps::kMaxListValues) return CapReached(r, "strings", caps::kMaxListValues);
        std::string s;
        SHELFCAST_RETURN_IF_ERROR(r.ReadString(f, "strings", kMaxNameBytes, &s));
        a->strings.push_back(std::move(s));
        break;
      }
      default: break;
    }
  }
  return Status::Ok();
}

Status ParseNode(ProtoReader r, NodeProto* n) {
  ProtoField f;
  while (true) {
    SHELFCAST_ASSIGN_OR_RETURN(const bool more, r.Next(&f));
    if (!more) break;
    switch (f.number) {
      case 1:
      case 2: {
        std::vector<std::string>& list = f.number == 1 ? n->inputs : n->outputs;
        if (list.size() >= caps::kMaxNodeIo)
          return CapReached(r, f.number == 1 ? "inputs" : "outputs", caps::kMaxNodeIo);
        std::string s;
        SHELFCAST_RETURN_IF_ERROR(r.ReadString(f, f.number == 1 ? "input" : "output", kMaxNameBytes, &s));
        list.push_back(std::move(s));
        break;
      }
      case 3: SHELFCAST_RETURN_IF_ERROR(r.ReadString(f, "name", kMaxNameBytes, &n->name)); break;
      case 4: SHELFCAST_RETURN_IF_ERROR(r.ReadString(f, "op_type", kMaxNameBytes, &n->op_type)); break;
      case 7: SHELFCAST_RETURN_IF_ERROR(r.ReadString(f, "domain", kMaxNameBytes, &n->domain)); break;
      case 5: {
        if (n->attributes.size() >= caps::kMaxAttributes) return CapReached(r, "attributes", caps::kMaxAttributes);
        SHELFCAST_ASSIGN_OR_RETURN(ProtoReader nested, r.Nested(f, Indexed("attribute", n->attributes.size())));
        n->attributes.emplace_back();
        SHELFCAST_RETURN_IF_ERROR(ParseAttribute(nested, &n->attributes.back()));
        break;
      }
      default: break;
    }
  }
  return Status::Ok();
}

Status ParseShape(ProtoReader r, ValueInfoProto* v) {
  ProtoField f;
  v->has_shape = true;
  while (true) {
    SHELFCAST_ASSIGN_OR_RETURN(const bool more, r.Next(&f));
    if (!more) break;
    if (f.number != 1) continue;
    if (v->dims.size() >= caps::kMaxDims) return CapReached(r, "dimensions", caps::kMaxDims);
    SHELFCAST_ASSIGN_OR_RETURN(ProtoReader dim, r.Nested(f, Indexed("dim", v->dims.size())));
    Dimension d;
    ProtoField g;
    while (true) {
      SHELFCAST_ASSIGN_OR_RETURN(const bool more_dim, dim.Next(&g));
      if (!more_dim) break;
      if (g.number == 1) {
        SHELFCAST_RETURN_IF_ERROR(ReadInt(dim, g, "dim_value", &d.value));
        d.has_value = true;
      } else if (g.number == 2) {
        SHELFCAST_RETURN_IF_ERROR(dim.ReadString(g, "dim_param", kMaxNameBytes, &d.param));
      }
    }
    v->dims.push_back(std::move(d));
  }
  return Status::Ok();
}

Status ParseValueInfo(ProtoReader r, ValueInfoProto* v) {
  ProtoField f;
  while (true) {
    SHELFCAST_ASSIGN_OR_RETURN(const bool more, r.Next(&f));
    if (!more) break;
    if (f.number == 1) {
      SHELFCAST_RETURN_IF_ERROR(r.ReadString(f, "name", kMaxNameBytes, &v->name));
    } else if (f.number == 2) {
      SHELFCAST_ASSIGN_OR_RETURN(ProtoReader type, r.Nested(f, "type"));
      ProtoField g;
      while (true) {
        SHELFCAST_ASSIGN_OR_RETURN(const bool more_type, type.Next(&g));
        if (!more_type) break;
        if (g.number != 1) continue;  // sequence, map, optional types: elem_type stays 0
        SHELFCAST_ASSIGN_OR_RETURN(ProtoReader tensor, type.Nested(g, "tensor_type"));
        ProtoField h;
        while (true) {
          SHELFCAST_ASSIGN_OR_RETURN(const bool more_tensor, tensor.Next(&h));
          if (!more_tensor) break;
          if (h.number == 1) {
            SHELFCAST_RETURN_IF_ERROR(ReadInt32(tensor, h, "elem_type", &v->elem_type));
          } else if (h.number == 2) {
            SHELFCAST_ASSIGN_OR_RETURN(ProtoReader shape, tensor.Nested(h, "shape"));
            SHELFCAST_RETURN_IF_ERROR(ParseShape(shape, v));
          }
        }
      }
    }
  }
  return Status::Ok();
}

Status ParseGraph(ProtoReader r, GraphProto* g) {
  ProtoField f;
  while (true) {
    SHELFCAST_ASSIGN_OR_RETURN(const bool more, r.Next(&f));
    if (!more) break;
    switch (f.number) {
      case 1: {
        if (g->nodes.size() >= caps::kMaxNodes) return CapReached(r, "nodes", caps::kMaxNodes);
        SHELFCAST_ASSIGN_OR_RETURN(ProtoReader nested, r.Nested(f, Indexed("node", g->nodes.size())));
        g->nodes.emplace_back();
        SHELFCAST_RETURN_IF_ERROR(ParseNode(nested, &g->nodes.back()));
        break;
      }
      case 2: SHELFCAST_RETURN_IF_ERROR(r.ReadString(f, "name", kMaxNameBytes, &g->name)); break;
      case 5: {
        if (g->initializers.size() >= caps::kMaxInitializers)
          return CapReached(r, "initializers", caps::kMaxInitializers);
        SHELFCAST_ASSIGN_OR_RETURN(ProtoReader nested, r.Nested(f, Indexed("initializer", g->initializers.size())));
        g->initializers.emplace_back();
        SHELFCAST_RETURN_IF_ERROR(ParseTensor(nested, &g->initializers.back()));
        break;
      }
      case 11:
      case 12:
      case 13: {
        std::vector<ValueInfoProto>& list = f.number == 11 ? g->inputs : f.number == 12 ? g->outputs : g->value_info;
        const char* what = f.number == 11 ? "input" : f.number == 12 ? "output" : "value_info";
        if (list.size() >= caps::kMaxGraphValues) return CapReached(r, what, caps::kMaxGraphValues);
        SHELFCAST_ASSIGN_OR_RETURN(ProtoReader nested, r.Nested(f, Indexed(what, list.size())));
        list.emplace_back();
        SHELFCAST_RETURN_IF_ERROR(ParseValueInfo(nested, &list.back()));
        break;
      }
      case 15:
        SHELFCAST_RETURN_IF_ERROR(r.Expect(f, WireType::kLengthDelimited, "sparse_initializer"));
        ++g->sparse_initializers;
        break;
      default: break;
    }
  }
  return Status::Ok();
}

}  // namespace

Result<ModelProto> ParseModelProto(const uint8_t* data, size_t size) {
  if (size > caps::kMaxFileBytes)
    return LimitExceeded("ONNX file of " + std::to_string(size) + " bytes exceeds the cap of " +
                         std::to_string(caps::kMaxFileBytes));
  if (size == 0) return InvalidData("ONNX file is empty");
  ModelProto m;
  ProtoReader r(data, size, "ModelProto");
  ProtoField f;
  while (true) {
    SHELFCAST_ASSIGN_OR_RETURN(const bool more, r.Next(&f));
    if (!more) break;
    switch (f.number) {
      case 1: SHELFCAST_RETURN_IF_ERROR(ReadInt(r, f, "ir_version", &m.ir_version)); break;
      case 2: SHELFCAST_RETURN_IF_ERROR(r.ReadString(f, "producer_name", kMaxNameBytes, &m.producer_name)); break;
      case 3: SHELFCAST_RETURN_IF_ERROR(r.ReadString(f, "producer_version", kMaxNameBytes, &m.producer_version)); break;
      case 6: SHELFCAST_RETURN_IF_ERROR(r.ReadString(f, "doc_string", caps::kMaxFileBytes, &m.doc_string)); break;
      case 7: {
        if (m.has_graph) return InvalidData("ModelProto at byte " + std::to_string(f.offset) + ": a second graph");
        SHELFCAST_ASSIGN_OR_RETURN(ProtoReader nested, r.Nested(f, "graph"));
        SHELFCAST_RETURN_IF_ERROR(ParseGraph(nested, &m.graph));
        m.has_graph = true;
        break;
      }
      case 8: {
        if (m.opset_imports.size() >= caps::kMaxOpsets) return CapReached(r, "opset imports", caps::kMaxOpsets);
        SHELFCAST_ASSIGN_OR_RETURN(ProtoReader nested, r.Nested(f, Indexed("opset_import", m.opset_imports.size())));
        OperatorSetId o;
        ProtoField g;
        while (true) {
          SHELFCAST_ASSIGN_OR_RETURN(const bool more_opset, nested.Next(&g));
          if (!more_opset) break;
          if (g.number == 1) SHELFCAST_RETURN_IF_ERROR(nested.ReadString(g, "domain", kMaxNameBytes, &o.domain));
          if (g.number == 2) SHELFCAST_RETURN_IF_ERROR(ReadInt(nested, g, "version", &o.version));
        }
        m.opset_imports.push_back(std::move(o));
        break;
      }
      case 14: {
        if (m.metadata.size() >= caps::kMaxMetadata) return CapReached(r, "metadata_props", caps::kMaxMetadata);
        SHELFCAST_ASSIGN_OR_RETURN(ProtoReader nested, r.Nested(f, Indexed("metadata_props", m.metadata.size())));
        std::pair<std::string, std::string> kv;
        ProtoField g;
        while (true) {
          SHELFCAST_ASSIGN_OR_RETURN(const bool more_kv, nested.Next(&g));
          if (!more_kv) break;
          if (g.number == 1) SHELFCAST_RETURN_IF_ERROR(nested.ReadString(g, "key", kMaxNameBytes, &kv.first));
          if (g.number == 2) SHELFCAST_RETURN_IF_ERROR(nested.ReadString(g, "value", kMaxNameBytes, &kv.second));
        }
        m.metadata.push_back(std::move(kv));
        break;
      }
      default: break;
    }
  }
  return m;
}

namespace {

ProtoWriter WriteTensor(const TensorProto& t) {
  ProtoWriter w;
  // dims is a proto2 field without [packed = true]: one varint per dimension.
  for (int64_t d : t.dims) w.Int64(1, d);
  w.Varint(2, static_cast<uint64_t>(t.data_type));
  if (!t.float_data.empty()) w.PackedFloats(4, t.float_data);
  if (!t.int32_data.empty()) w.PackedInt32s(5, t.int32_data);
  if (!t.int64_data.empty()) w.PackedInt64s(7, t.int64_data);
  if (!t.name.empty()) w.String(8, t.name);
  if (t.has_raw_data) w.String(9, t.raw_data);
  return w;
}

ProtoWriter WriteAttribute(const AttributeProto& a) {
  ProtoWriter w;
  w.String(1, a.name);
  switch (a.type) {
    case kAttrFloat: w.Float(2, a.f); break;
    case kAttrInt: w.Int64(3, a.i); break;
    case kAttrString: w.String(4, a.s); break;
    case kAttrTensor: w.Message(5, WriteTensor(a.t)); break;
    case kAttrFloats: for (float v : a.floats) w.Float(7, v); break;
    case kAttrInts: for (int64_t v : a.ints) w.Int64(8, v); break;
    case kAttrStrings: for (const std::string& s : a.strings) w.String(9, s); break;
    default: break;
  }
  w.Varint(20, static_cast<uint64_t>(a.type));
  return w;
}

ProtoWriter WriteValueInfo(const ValueInfoProto& v) {
  ProtoWriter shape;
  for (const Dimension& d : v.dims) {
    ProtoWriter dim;
    if (d.has_value) dim.Int64(1, d.value);
    else dim.String(2, d.param);
    shape.Message(1, dim);
  }
  ProtoWriter tensor;
  tensor.Varint(1, static_cast<uint64_t>(v.elem_type));
  if (v.has_shape) tensor.Message(2, shape);
  ProtoWriter type;
  type.Message(1, tensor);
  ProtoWriter w;
  w.String(1, v.name);
  w.Message(2, type);
  return w;
}

}  // namespace

std::vector<uint8_t> SerializeModelProto(const ModelProto& m) {
  ProtoWriter graph;
  for (const NodeProto& n : m.graph.nodes) {
    ProtoWriter node;
    for (const std::string& s : n.inputs) node.String(1, s);
    for (const std::string& s : n.outputs) node.String(2, s);
    if (!n.name.empty()) node.String(3, n.name);
    node.String(4, n.op_type);
    for (const AttributeProto& a : n.attributes) node.Message(5, WriteAttribute(a));
    if (!n.domain.empty()) node.String(7, n.domain);
    graph.Message(1, node);
  }
  graph.String(2, m.graph.name);
  for (const TensorProto& t : m.graph.initializers) graph.Message(5, WriteTensor(t));
  for (const ValueInfoProto& v : m.graph.inputs) graph.Message(11, WriteValueInfo(v));
  for (const ValueInfoProto& v : m.graph.outputs) graph.Message(12, WriteValueInfo(v));
  for (const ValueInfoProto& v : m.graph.value_info) graph.Message(13, WriteValueInfo(v));

  ProtoWriter w;
  w.Int64(1, m.ir_version);
  if (!m.producer_name.empty()) w.String(2, m.producer_name);
  if (!m.producer_version.empty()) w.String(3, m.producer_version);
  if (!m.doc_string.empty()) w.String(6, m.doc_string);
  w.Message(7, graph);
  for (const OperatorSetId& o : m.opset_imports) {
    ProtoWriter opset;
    if (!o.domain.empty()) opset.String(1, o.domain);
    opset.Int64(2, o.version);
    w.Message(8, opset);
  }
  for (const auto& kv : m.metadata) {
    ProtoWriter entry;
    entry.String(1, kv.first);
    entry.String(2, kv.second);
    w.Message(14, entry);
  }
  return w.bytes();
}

}  // namespace shelfcast::onnx

// ONNX -> Model: a small abstract interpreter over the graph.
//
// Nodes are visited in file order (ONNX requires topological order). Every value gets a
// kind: a constant (initializers, Constant nodes, folded shape arithmetic), the sales
// input and what the graph does to it (layout ops, normalisation), opaque shape
// arithmetic and zero-filled tensors (how exporters build zero initial states), the
// outputs of the LSTM, and the Dense head after it. Each op is accepted only on the
// kinds it makes sense for, and layout ops carry an axis map along, so the importer
// knows at the LSTM which input axis is time, batch and feature, and at the head that
// exactly the last time step was selected. Anything outside these patterns stops the
// import with the node's name, its op and the reason.
#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <string>

#include "core/limits.h"
#include "format/encoding.h"
#include "format/half.h"
#include "format/reader.h"
#include "interop/onnx/onnx.h"

namespace shelfcast::onnx {
namespace {

// ONNX gate row r of a [4*units] block is Keras column KerasColumn(r): ONNX stacks
// i, o, f, c, Keras packs i, f, c, o.
constexpr uint32_t kKerasGate[4] = {0, 3, 1, 2};
uint32_t KerasColumn(uint32_t r, uint32_t units) { return kKerasGate[r / units] * units + r % units; }

// A constant tensor, values widened: floats (FLOAT, FLOAT16, DOUBLE) or integers.
struct Const {
  std::vector<int64_t> dims;
  int32_t type = kFloat;
  bool is_float = true;
  std::vector<float> f;
  std::vector<int64_t> i;
  size_t size() const { return is_float ? f.size() : i.size(); }
  double at(size_t k) const { return is_float ? static_cast<double>(f[k]) : static_cast<double>(i[k]); }
};

enum class Kind {
  kConst,
  kShape,       // computed from a Shape op: opaque, only feeds shape inputs
  kZeros,       // a zero-filled tensor of opaque shape (initial LSTM states)
  kSales,       // the sales input, possibly re-laid-out and normalised
  kCalendar,    // the calendar input of a shelfcast export
  kWindowMean,  // mean of the sales window (+ offset): window-mean normalisation
  kLstm,        // an LSTM output (Y or Y_h) and layout ops on it
  kLstmCell,    // Y_c: no forecaster reads it
  kHead,        // after a Dense layer
};

// Axes of the sales-side values: the index of an axis of the original graph input, or:
constexpr int kInsertedAxis = -1;  // a size-1 axis the graph added
constexpr int kFeatureAxis = -2;   // sales joined with calendar features

// Axes of LSTM-side values.
enum class Role { kTime, kDir, kBatch, kWidth, kLast, kOne };

// v' = a * v + b, accumulated over Sub/Add/Mul/Div by scalars, in double.
struct Affine {
  double a = 1.0, b = 0.0;
  int ops = 0;
};

struct Value {
  Kind kind = Kind::kConst;
  Const c;
  std::vector<int> axes;    // kSales, kCalendar, kWindowMean (of the averaged input)
  Affine norm;              // kSales: input normalisation so far; kHead: output de-normalisation
  bool window_mean = false; // kSales: divided by the window mean; kHead: multiplied by it
  float window_offset = 0.f;
  bool window_offset_set = false;  // kWindowMean
  int reduced_axis = 0;            // kWindowMean: original axis averaged
  uint32_t features = 1;           // kSales after a calendar Concat
  uint8_t calendar = kCalendarNone;
  std::vector<Role> roles;  // kLstm, kHead
  uint32_t width = 0;       // size of the kWidth role
  size_t lstm_layers = 0;   // LSTM layers upstream (a chain check)
  size_t dense_layers = 0;  // Dense layers upstream (a chain check)
};

std::string Lower(std::string s) {
  for (char& ch : s) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return s;
}

std::string Join(const std::vector<int64_t>& v) {
  std::string s = "[";
  for (size_t i = 0; i < v.size(); ++i) s += (i ? ", " : "") + std::to_string(v[i]);
  return s + "]";
}

std::string FloatText(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.9g", v);
  return buf;
}

// Reads an initializer or Constant tensor into a Const.
Status ToConst(const TensorProto& t, const std::string& what, Const* out) {
  if (t.external) return Unsupported(what + ": tensor data stored in an external file is not supported");
  size_t n;
  SHELFCAST_RETURN_IF_ERROR(t.ElementCount(&n).WithContext(what));
  out->dims = t.dims;
  out->type = t.data_type;
  const auto raw_size = [&](size_t width) -> Status {
    if (t.raw_data.size() != n * width)
      return InvalidData(what + ": raw_data holds " + std::to_string(t.raw_data.size()) + " bytes, " +
                         DataTypeName(t.data_type) + " " + Join(t.dims) + " needs " + std::to_string(n * width));
    return Status::Ok();
  };
  const auto count = [&](size_t have) -> Status {
    if (have != n)
      return InvalidData(what + ": holds " + std::to_string(have) + " values, its shape " + Join(t.dims) + " needs " +
                         std::to_string(n));
    return Status::Ok();
  };
  const uint8_t* raw = reinterpret_cast<const uint8_t*>(t.raw_data.data());
  switch (t.data_type) {
    case kFloat:
    case kFloat16:
    case kDouble: {
      out->is_float = true;
      out->f.resize(n);
      if (t.has_raw_data) {
        const size_t width = t.data_type == kFloat ? 4 : t.data_type == kFloat16 ? 2 : 8;
        SHELFCAST_RETURN_IF_ERROR(raw_size(width));
        for (size_t k = 0; k < n; ++k) {
          const uint8_t* p = raw + width * k;
          if (width == 2) {
            out->f[k] = HalfToFloat(static_cast<uint16_t>(p[0] | (p[1] << 8)));
          } else if (width == 4) {
            const uint32_t bits = p[0] | (p[1] << 8) | (p[2] << 16) | (static_cast<uint32_t>(p[3]) << 24);
            std::memcpy(&out->f[k], &bits, 4);
          } else {
            uint64_t bits = 0;
            for (int b = 0; b < 8; ++b) bits |= static_cast<uint64_t>(p[b]) << (8 * b);
            double d;
            std::memcpy(&d, &bits, 8);
            out->f[k] = static_cast<float>(d);
          }
        }
      } else if (t.data_type == kFloat) {
        SHELFCAST_RETURN_IF_ERROR(count(t.float_data.size()));
        out->f = t.float_data;
      } else if (t.data_type == kFloat16) {
        SHELFCAST_RETURN_IF_ERROR(count(t.int32_data.size()));
        for (size_t k = 0; k < n; ++k) out->f[k] = HalfToFloat(static_cast<uint16_t>(t.int32_data[k]));
      } else {
        SHELFCAST_RETURN_IF_ERROR(count(t.double_data.size()));
        for (size_t k = 0; k < n; ++k) out->f[k] = static_cast<float>(t.double_data[k]);
      }
      for (size_t k = 0; k < n; ++k)
        if (!std::isfinite(out->f[k])) return InvalidData(what + ": value " + std::to_string(k) + " is not finite");
      return Status::Ok();
    }
    case kInt8:
    case kUint8:
    case kInt16:
    case kInt32:
    case kInt64:
    case kBool: {
      out->is_float = false;
      out->i.resize(n);
      if (t.has_raw_data) {
        const size_t width = t.data_type == kInt64 ? 8 : t.data_type == kInt32 ? 4 : t.data_type == kInt16 ? 2 : 1;
        SHELFCAST_RETURN_IF_ERROR(raw_size(width));
        for (size_t k = 0; k < n; ++k) {
          const uint8_t* p = raw + width * k;
          uint64_t bits = 0;
          for (size_t b = 0; b < width; ++b) bits |= static_cast<uint64_t>(p[b]) << (8 * b);
          int64_t v;
          switch (t.data_type) {
            case kInt8: v = static_cast<int8_t>(bits); break;
            case kInt16: v = static_cast<int16_t>(bits); break;
            case kInt32: v = static_cast<int32_t>(bits); break;
            case kInt64: v = static_cast<int64_t>(bits); break;
            default: v = static_cast<int64_t>(bits); break;  // uint8, bool
          }
          out->i[k] = v;
        }
      } else if (t.data_type == kInt64) {
        SHELFCAST_RETURN_IF_ERROR(count(t.int64_data.size()));
        out->i = t.int64_data;
      } else {
        SHELFCAST_RETURN_IF_ERROR(count(t.int32_data.size()));
        for (size_t k = 0; k < n; ++k) out->i[k] = t.int32_data[k];
      }
      return Status::Ok();
    }
    default:
      return Unsupported(what + ": data type " + std::string(DataTypeName(t.data_type)) + " is not supported");
  }
}

bool AllZero(const Const& c) {
  for (size_t k = 0; k < c.size(); ++k)
    if (c.at(k) != 0.0) return false;
  return true;
}

// Maps a target shape onto the axes of a value for Reshape: `sizes` are the input axes'
// sizes (-1 unknown), `core[k]` whether axis k must survive (sizes other than 1, and the
// batch axis). Each target entry takes the next core axis (-1, 0, or an equal size) or is
// a new size-1 axis (1). *taken[k] gets the input axis of target entry k, or -1 for new.
bool MatchReshape(const std::vector<int64_t>& sizes, const std::vector<bool>& core,
                  const std::vector<int64_t>& target, std::vector<int>* taken) {
  std::vector<int> order;
  for (size_t k = 0; k < sizes.size(); ++k)
    if (core[k]) order.push_back(static_cast<int>(k));
  size_t j = 0;
  int inferred = 0;
  taken->clear();
  for (size_t k = 0; k < target.size(); ++k) {
    const int64_t e = target[k];
    const bool next = j < order.size();
    const int64_t next_size = next ? sizes[order[j]] : -2;
    if (e == -1 || e == 0) {
      if (e == -1 && ++inferred > 1) return false;
      if (e == 0 && (k >= sizes.size() || !next || order[j] != static_cast<int>(k))) {
        // 0 copies input axis k: fine for a size-1 axis that is not core, as a new axis.
        if (k < sizes.size() && !core[k] && sizes[k] == 1) {
          taken->push_back(-1);
          continue;
        }
        return false;
      }
      if (!next) {
        if (e == -1) {  // -1 with nothing left to absorb is a size-1 axis
          taken->push_back(-1);
          continue;
        }
        return false;
      }
      taken->push_back(order[j++]);
    } else if (next && next_size == e) {
      taken->push_back(order[j++]);
    } else if (e == 1) {
      taken->push_back(-1);
    } else {
      return false;
    }
  }
  return j == order.size();
}

std::vector<int64_t> NormaliseAxes(const std::vector<int64_t>& axes, size_t rank, bool* ok) {
  std::vector<int64_t> out;
  *ok = true;
  for (int64_t a : axes) {
    const int64_t r = static_cast<int64_t>(rank);
    if (a < -r || a >= r) *ok = false;
    out.push_back(a < 0 ? a + r : a);
  }
  std::sort(out.begin(), out.end());
  if (std::adjacent_find(out.begin(), out.end()) != out.end()) *ok = false;
  return out;
}

class Importer {
 public:
  Importer(const ModelProto& proto, const ImportOptions& options) : proto_(proto), options_(options) {}

  Result<Model> Run();

 private:
  // "node 'lstm' (LSTM)", or "node #3 (LSTM)" for an unnamed node.
  std::string NodeName(const NodeProto& n) const {
    const std::string who = n.name.empty() ? "#" + std::to_string(node_index_) : "'" + n.name + "'";
    return "node " + who + " (" + (n.domain.empty() ? "" : n.domain + "::") + n.op_type + ")";
  }
  Status Refuse(const NodeProto& n, const std::string& why) const { return Unsupported(NodeName(n) + ": " + why); }
  Status Malformed(const NodeProto& n, const std::string& why) const { return InvalidData(NodeName(n) + ": " + why); }
  // A Transpose node's perm over `rank` axes (reversed axes when absent), checked to be a
  // permutation.
  Result<std::vector<int64_t>> Permutation(const NodeProto& n, size_t rank) const {
    std::vector<int64_t> perm;
    if (const AttributeProto* a = n.Find("perm")) perm = a->ints;
    if (perm.empty())
      for (size_t k = 0; k < rank; ++k) perm.push_back(static_cast<int64_t>(rank - 1 - k));
    bool ok;
    if (perm.size() != rank || NormaliseAxes(perm, rank, &ok).size() != rank || !ok)
      return Malformed(n, "perm " + Join(perm) + " is not a permutation of " + std::to_string(rank) + " axes");
    return perm;
  }

  Status DefineInputs();
  Status Visit(const NodeProto& n);
  Result<Model> Finish(const Value& out);

  Result<const Value*> Input(const NodeProto& n, size_t k) const;
  Status Output(const NodeProto& n, size_t k, Value v);
  Result<const Const*> ConstInput(const NodeProto& n, size_t k, const std::string& what) const;
  Status Ints(const NodeProto& n, const char* attribute, size_t input, std::vector<int64_t>* out,
              bool* present) const;
  Result<int64_t> IntAttr(const NodeProto& n, const char* name, int64_t fallback) const;
  Result<float> FloatAttr(const NodeProto& n, const char* name, float fallback) const;

  int64_t InputDim(const Value& v, int axis) const;
  int64_t RoleSize(const Value& v, size_t k) const;
  static bool SizeOne(Role r) { return r == Role::kDir || r == Role::kLast || r == Role::kOne; }

  Status VisitConstOnly(const NodeProto& n, const std::vector<const Value*>& in);
  Status VisitSales(const NodeProto& n, const std::vector<const Value*>& in);
  Status VisitLstmSide(const NodeProto& n, const std::vector<const Value*>& in);
  Status VisitLstm(const NodeProto& n, const std::vector<const Value*>& in);
  Status SalesLayout(const NodeProto& n, const Value& in, Value* out);
  Status RoleLayout(const NodeProto& n, const Value& in, Value* out);
  Status AddDense(const NodeProto& n, const Value& a, const Const& kernel, bool transpose, Value* out);
  Status CloseDense(const NodeProto& n, const Const* bias);
  Status CheckHeadChain(const NodeProto& n, const Value& v) const;

  const ModelProto& proto_;
  const ImportOptions& options_;
  std::map<std::string, Value> values_;
  size_t node_index_ = 0;
  std::vector<Dimension> sales_dims_, calendar_dims_;
  std::string sales_name_;
  int64_t window_ = 0;       // set at the first LSTM
  int64_t batch_size_ = -1;  // static batch size, -1 when symbolic
  std::vector<Layer> lstm_layers_, dense_layers_;
  bool dense_open_ = false;  // the last Dense layer is a MatMul still without its bias
  Value lstm_input_;         // the first LSTM's input: its normalisation and calendar
};

Result<const Value*> Importer::Input(const NodeProto& n, size_t k) const {
  if (k >= n.inputs.size() || n.inputs[k].empty()) return static_cast<const Value*>(nullptr);
  auto it = values_.find(n.inputs[k]);
  if (it == values_.end())
    return Malformed(n, "input '" + n.inputs[k] +
                            "' is not a graph input, an initializer or the output of an earlier node "
                            "(nodes must be in topological order)");
  return &it->second;
}

Status Importer::Output(const NodeProto& n, size_t k, Value v) {
  if (k >= n.outputs.size() || n.outputs[k].empty()) return Status::Ok();
  if (values_.count(n.outputs[k])) return Malformed(n, "output '" + n.outputs[k] + "' is defined twice");
  values_[n.outputs[k]] = std::move(v);
  return Status::Ok();
}

Result<const Const*> Importer::ConstInput(const NodeProto& n, size_t k, const std::string& what) const {
  SHELFCAST_ASSIGN_OR_RETURN(const Value* v, Input(n, k));
  if (v == nullptr) return static_cast<const Const*>(nullptr);
  if (v->kind != Kind::kConst) return Refuse(n, what + " ('" + n.inputs[k] + "') must be a constant");
  return &v->c;
}

Status Importer::Ints(const NodeProto& n, const char* attribute, size_t input, std::vector<int64_t>* out,
                      bool* present) const {
  *present = false;
  if (const AttributeProto* a = n.Find(attribute)) {
    if (a->type != kAttrInts)
      return Malformed(n, std::string("attribute ") + attribute + " is " + AttributeTypeName(a->type) +
                              ", expected INTS");
    *out = a->ints;
    *present = true;
    return Status::Ok();
  }
  SHELFCAST_ASSIGN_OR_RETURN(const Const* c, ConstInput(n, input, attribute));
  if (c == nullptr) return Status::Ok();
  if (c->is_float) return Malformed(n, std::string(attribute) + " must be integers");
  *out = c->i;
  *present = true;
  return Status::Ok();
}

Result<int64_t> Importer::IntAttr(const NodeProto& n, const char* name, int64_t fallback) const {
  const AttributeProto* a = n.Find(name);
  if (a == nullptr) return fallback;
  if (a->type != kAttrInt)
    return Malformed(n, std::string("attribute ") + name + " is " + AttributeTypeName(a->type) + ", expected INT");
  return a->i;
}

Result<float> Importer::FloatAttr(const NodeProto& n, const char* name, float fallback) const {
  const AttributeProto* a = n.Find(name);
  if (a == nullptr) return fallback;
  if (a->type != kAttrFloat)
    return Malformed(n, std::string("attribute ") + name + " is " + AttributeTypeName(a->type) + ", expected FLOAT");
  return a->f;
}

// Size of a sales-side axis: -1 when symbolic.
int64_t Importer::InputDim(const Value& v, int axis) const {
  if (axis == kInsertedAxis) return 1;
  if (axis == kFeatureAxis) return v.features;
  const std::vector<Dimension>& dims = v.kind == Kind::kCalendar ? calendar_dims_ : sales_dims_;
  if (axis < 0 || static_cast<size_t>(axis) >= dims.size() || !dims[axis].has_value) return -1;
  return dims[axis].value;
}

int64_t Importer::RoleSize(const Value& v, size_t k) const {
  switch (v.roles[k]) {
    case Role::kTime: return window_;
    case Role::kWidth: return v.width;
    case Role::kBatch: return batch_size_;
    default: return 1;
  }
}

Status Importer::DefineInputs() {
  const GraphProto& g = proto_.graph;
  for (size_t k = 0; k < g.initializers.size(); ++k) {
    const TensorProto& t = g.initializers[k];
    const std::string what = "initializer '" + t.name + "'";
    if (t.name.empty()) return InvalidData("initializer " + std::to_string(k) + " has no name");
    if (values_.count(t.name)) return InvalidData(what + " is defined twice");
    Value v;
    v.kind = Kind::kConst;
    SHELFCAST_RETURN_IF_ERROR(ToConst(t, what, &v.c));
    values_[t.name] = std::move(v);
  }
  if (g.sparse_initializers > 0) return Unsupported("sparse initializers are not supported");
  std::vector<const ValueInfoProto*> inputs;
  for (const ValueInfoProto& in : g.inputs)
    if (!values_.count(in.name)) inputs.push_back(&in);  // older files list initializers as inputs too
  if (inputs.empty()) return Unsupported("the graph has no input: a forecaster reads a window of sales");
  const ValueInfoProto* sales = inputs[0];
  const ValueInfoProto* calendar = nullptr;
  if (inputs.size() == 2 && (inputs[0]->name == "calendar" || inputs[1]->name == "calendar")) {
    calendar = inputs[0]->name == "calendar" ? inputs[0] : inputs[1];
    sales = inputs[0]->name == "calendar" ? inputs[1] : inputs[0];
  } else if (inputs.size() > 1) {
    return Unsupported("graph input '" + inputs[1]->name +
                       "': a forecaster takes one input, the sales window (shelfcast calendar models add 'calendar')");
  }
  for (const ValueInfoProto* in : {sales, calendar}) {
    if (in == nullptr) continue;
    if (in->elem_type != kFloat)
      return Unsupported("graph input '" + in->name + "' is " + DataTypeName(in->elem_type) + ", expected FLOAT");
    if (!in->has_shape) return Unsupported("graph input '" + in->name + "' has no shape");
  }
  if (sales->dims.size() < 2 || sales->dims.size() > 3)
    return Unsupported("graph input '" + sales->name + "' has rank " + std::to_string(sales->dims.size()) +
                       ": expected [batch, window] or [batch, window, 1] (or time-major)");
  sales_name_ = sales->name;
  sales_dims_ = sales->dims;
  Value s;
  s.kind = Kind::kSales;
  for (size_t k = 0; k < sales->dims.size(); ++k) s.axes.push_back(static_cast<int>(k));
  values_[sales->name] = s;
  if (calendar != nullptr) {
    if (calendar->dims.size() != 3 || !calendar->dims[2].has_value)
      return Unsupported("graph input 'calendar' must be [batch, window, 7|12|19]");
    const int64_t c = calendar->dims[2].value;
    if (c != 7 && c != 12 && c != 19)
      return Unsupported("graph input 'calendar' has " + std::to_string(c) +
                         " features: shelfcast's are 7 (weekday), 12 (month) or 19 (both)");
    calendar_dims_ = calendar->dims;
    Value v;
    v.kind = Kind::kCalendar;
    v.axes = {0, 1, 2};
    v.calendar = c == 7 ? kCalendarDayOfWeek : c == 12 ? kCalendarMonth : kCalendarDayOfWeek | kCalendarMonth;
    values_["calendar"] = v;
  }
  return Status::Ok();
}

Status Importer::Visit(const NodeProto& n) {
  const bool dq_lstm = n.domain == "com.microsoft" && n.op_type == "DynamicQuantizeLSTM";
  if (!n.domain.empty() && n.domain != "ai.onnx" && !dq_lstm)
    return Refuse(n, "operators of domain '" + n.domain + "' are not supported");
  for (const AttributeProto& a : n.attributes)
    if (a.has_graph) return Refuse(n, "attribute '" + a.name + "' holds a subgraph (control flow is not supported)");
  std::vector<const Value*> in;
  for (size_t k = 0; k < n.inputs.size(); ++k) {
    SHELFCAST_ASSIGN_OR_RETURN(const Value* v, Input(n, k));
    in.push_back(v);
  }
  const std::string& op = n.op_type;
  if (op == "Constant") {
    if (n.attributes.size() != 1) return Malformed(n, "a Constant has exactly one attribute");
    const AttributeProto& a = n.attributes[0];
    Value v;
    v.kind = Kind::kConst;
    if (a.name == "value" && a.has_t) {
      SHELFCAST_RETURN_IF_ERROR(ToConst(a.t, NodeName(n), &v.c));
    } else if (a.name == "value_float" && a.type == kAttrFloat) {
      v.c.f = {a.f};
    } else if (a.name == "value_floats" && a.type == kAttrFloats) {
      v.c.f = a.floats;
      v.c.dims = {static_cast<int64_t>(a.floats.size())};
    } else if (a.name == "value_int" && a.type == kAttrInt) {
      v.c.is_float = false;
      v.c.type = kInt64;
      v.c.i = {a.i};
    } else if (a.name == "value_ints" && a.type == kAttrInts) {
      v.c.is_float = false;
      v.c.type = kInt64;
      v.c.i = a.ints;
      v.c.dims = {static_cast<int64_t>(a.ints.size())};
    } else {
      return Refuse(n, "constant attribute '" + a.name + "' is not supported");
    }
    return Output(n, 0, std::move(v));
  }
  if (op == "LSTM" || dq_lstm) return VisitLstm(n, in);
  if (op == "Shape") {
    Value v;
    v.kind = Kind::kShape;
    return Output(n, 0, v);
  }
  bool lstm_side = false, sales_side = false;
  for (const Value* v : in) {
    if (v == nullptr) continue;
    if (v->kind == Kind::kLstm || v->kind == Kind::kHead || v->kind == Kind::kLstmCell) lstm_side = true;
    if (v->kind == Kind::kSales || v->kind == Kind::kCalendar || v->kind == Kind::kWindowMean) sales_side = true;
  }
  if (lstm_side) return VisitLstmSide(n, in);
  if (sales_side) return VisitSales(n, in);
  return VisitConstOnly(n, in);
}

Status Importer::VisitConstOnly(const NodeProto& n, const std::vector<const Value*>& in) {
  const std::string& op = n.op_type;
  bool any_shape = false, any_zeros = false;
  for (const Value* v : in) {
    if (v == nullptr) continue;
    any_shape = any_shape || v->kind == Kind::kShape;
    any_zeros = any_zeros || v->kind == Kind::kZeros;
  }
  Value zeros;
  zeros.kind = Kind::kZeros;
  if (op == "ConstantOfShape") {
    const AttributeProto* a = n.Find("value");
    if (a != nullptr) {
      Const c;
      if (!a->has_t) return Malformed(n, "attribute value must be a tensor");
      SHELFCAST_RETURN_IF_ERROR(ToConst(a->t, NodeName(n), &c));
      if (!AllZero(c)) return Refuse(n, "only zero-filled tensors (initial LSTM states) are supported");
    }
    return Output(n, 0, zeros);
  }
  if (op == "Expand" && in.size() == 2 && in[0] != nullptr &&
      (in[0]->kind == Kind::kZeros || (in[0]->kind == Kind::kConst && AllZero(in[0]->c))))
    return Output(n, 0, zeros);
  static const char* const kZeroPreserving[] = {"Identity", "Cast", "Slice", "Gather", "Squeeze", "Unsqueeze",
                                                 "Reshape", "Transpose", "Concat", "Tile", "Expand"};
  if (any_zeros && !any_shape) {
    for (const char* z : kZeroPreserving)
      if (op == z) {
        if (op == "Concat")
          for (const Value* v : in)
            if (v == nullptr || v->kind != Kind::kZeros)
              return Refuse(n, "joins a zero state with a non-zero tensor");
        return Output(n, 0, zeros);
      }
    return Refuse(n, "is not supported on a zero-filled initial state");
  }
  // Shape arithmetic (how exporters size zero states and dynamic reshapes): opaque.
  static const char* const kShapeOps[] = {"Gather", "Unsqueeze", "Squeeze", "Concat", "Cast", "Slice", "Reshape",
                                          "Mul", "Add", "Sub", "Div", "Identity", "Max", "Min", "Neg",
                                          "Equal", "Where", "Range", "ReduceProd", "Abs"};
  if (any_shape) {
    for (const char* s : kShapeOps)
      if (op == s) {
        Value v;
        v.kind = Kind::kShape;
        return Output(n, 0, v);
      }
    return Refuse(n, "is not supported in shape arithmetic");
  }
  // All inputs constant: fold what only changes the shape or the element type.
  if (in.empty() || in[0] == nullptr) return Refuse(n, "has no input to fold");
  Value v = *in[0];
  Const& c = v.c;
  const size_t count = c.size();
  if (op == "Identity") return Output(n, 0, v);
  if (op == "Cast") {
    SHELFCAST_ASSIGN_OR_RETURN(const int64_t to, IntAttr(n, "to", 0));
    const bool to_float = to == kFloat || to == kFloat16 || to == kDouble;
    if (to_float && !c.is_float) {
      for (int64_t x : c.i) c.f.push_back(static_cast<float>(x));
      c.i.clear();
    } else if (!to_float && c.is_float) {
      for (float x : c.f) c.i.push_back(static_cast<int64_t>(x));
      c.f.clear();
    }
    c.is_float = to_float;
    c.type = static_cast<int32_t>(to);
    return Output(n, 0, v);
  }
  if (op == "Unsqueeze" || op == "Squeeze") {
    std::vector<int64_t> axes;
    bool present;
    SHELFCAST_RETURN_IF_ERROR(Ints(n, "axes", 1, &axes, &present));
    std::vector<int64_t> dims;
    if (op == "Unsqueeze") {
      bool ok;
      const std::vector<int64_t> at = NormaliseAxes(axes, c.dims.size() + axes.size(), &ok);
      if (!ok) return Malformed(n, "axes " + Join(axes) + " are out of range");
      size_t src = 0;
      for (size_t k = 0; k < c.dims.size() + axes.size(); ++k)
        dims.push_back(std::binary_search(at.begin(), at.end(), static_cast<int64_t>(k)) ? 1 : c.dims[src++]);
    } else {
      bool ok;
      const std::vector<int64_t> at = NormaliseAxes(axes, c.dims.size(), &ok);
      if (!ok) return Malformed(n, "axes " + Join(axes) + " are out of range");
      for (size_t k = 0; k < c.dims.size(); ++k) {
        const bool listed = std::binary_search(at.begin(), at.end(), static_cast<int64_t>(k));
        if ((present && !listed) || (!present && c.dims[k] != 1)) dims.push_back(c.dims[k]);
        else if (c.dims[k] != 1) return Malformed(n, "squeezes an axis of size " + std::to_string(c.dims[k]));
      }
    }
    c.dims = dims;
    return Output(n, 0, v);
  }
  if (op == "Reshape") {
    SHELFCAST_ASSIGN_OR_RETURN(const Const* shape, ConstInput(n, 1, "shape"));
    if (shape == nullptr || shape->is_float) return Malformed(n, "needs an integer shape");
    std::vector<int64_t> dims = shape->i;
    int64_t known = 1;
    int infer = -1;
    for (size_t k = 0; k < dims.size(); ++k) {
      if (dims[k] == 0 && k < c.dims.size()) dims[k] = c.dims[k];
      if (dims[k] == -1) {
        if (infer >= 0) return Malformed(n, "shape " + Join(shape->i) + " has two -1 entries");
        infer = static_cast<int>(k);
      } else if (dims[k] < 0) {
        return Malformed(n, "shape " + Join(shape->i) + " is invalid");
      } else {
        known *= dims[k];
      }
    }
    if (infer >= 0 && known > 0) dims[infer] = static_cast<int64_t>(count) / known;
    int64_t total = 1;
    for (int64_t d : dims) total *= d;
    if (total != static_cast<int64_t>(count))
      return Malformed(n, "cannot reshape " + std::to_string(count) + " values to " + Join(shape->i));
    c.dims = dims;
    return Output(n, 0, v);
  }
  if (op == "Transpose") {
    const size_t rank = c.dims.size();
    SHELFCAST_ASSIGN_OR_RETURN(const std::vector<int64_t> perm, Permutation(n, rank));
    std::vector<int64_t> dims(rank), in_stride(rank, 1);
    for (size_t k = rank; k-- > 1;) in_stride[k - 1] = in_stride[k] * c.dims[k];
    for (size_t k = 0; k < rank; ++k) dims[k] = c.dims[perm[k]];
    Const t = c;
    t.dims = dims;
    std::vector<int64_t> idx(rank, 0);
    for (size_t out = 0; out < count; ++out) {
      size_t src = 0;
      for (size_t k = 0; k < rank; ++k) src += idx[k] * in_stride[perm[k]];
      if (c.is_float) t.f[out] = c.f[src];
      else t.i[out] = c.i[src];
      for (size_t k = rank; k-- > 0;) {
        if (++idx[k] < dims[k]) break;
        idx[k] = 0;
      }
    }
    v.c = std::move(t);
    return Output(n, 0, v);
  }
  if (op == "Concat") {
    for (const Value* x : in)
      if (x == nullptr || x->kind != Kind::kConst || x->c.dims.size() > 1 || x->c.is_float != c.is_float)
        return Refuse(n, "only joins of 1-D constants of one type fold");
    Const j;
    j.is_float = c.is_float;
    j.type = c.type;
    for (const Value* x : in) {
      j.f.insert(j.f.end(), x->c.f.begin(), x->c.f.end());
      j.i.insert(j.i.end(), x->c.i.begin(), x->c.i.end());
    }
    j.dims = {static_cast<int64_t>(j.size())};
    v.c = std::move(j);
    return Output(n, 0, v);
  }
  return Refuse(n, "computes a constant this importer cannot fold (export with constant folding on)");
}

// Layout ops on the sales input: axes carry the original input axis they came from.
Status Importer::SalesLayout(const NodeProto& n, const Value& in, Value* out) {
  const std::string& op = n.op_type;
  *out = in;
  const size_t rank = in.axes.size();
  std::vector<int64_t> axes;
  bool present = false;
  if (op == "Unsqueeze") {
    SHELFCAST_RETURN_IF_ERROR(Ints(n, "axes", 1, &axes, &present));
    bool ok;
    const std::vector<int64_t> at = NormaliseAxes(axes, rank + axes.size(), &ok);
    if (!present || !ok) return Malformed(n, "axes " + Join(axes) + " are missing or out of range");
    out->axes.clear();
    size_t src = 0;
    for (size_t k = 0; k < rank + axes.size(); ++k)
      out->axes.push_back(std::binary_search(at.begin(), at.end(), static_cast<int64_t>(k)) ? kInsertedAxis
                                                                                            : in.axes[src++]);
    return Status::Ok();
  }
  if (op == "Squeeze") {
    SHELFCAST_RETURN_IF_ERROR(Ints(n, "axes", 1, &axes, &present));
    bool ok;
    const std::vector<int64_t> at = NormaliseAxes(axes, rank, &ok);
    if (!ok) return Malformed(n, "axes " + Join(axes) + " are out of range");
    out->axes.clear();
    for (size_t k = 0; k < rank; ++k) {
      const bool listed = std::binary_search(at.begin(), at.end(), static_cast<int64_t>(k));
      const bool one = InputDim(in, in.axes[k]) == 1;
      if (present ? listed : one) {
        if (!one) return Refuse(n, "squeezes input axis " + std::to_string(k) + ", which is not of size 1");
        continue;
      }
      out->axes.push_back(in.axes[k]);
    }
    return Status::Ok();
  }
  if (op == "Transpose") {
    SHELFCAST_ASSIGN_OR_RETURN(const std::vector<int64_t> perm, Permutation(n, rank));
    for (size_t k = 0; k < rank; ++k) out->axes[k] = in.axes[perm[k]];
    return Status::Ok();
  }
  if (op == "Reshape") {
    SHELFCAST_ASSIGN_OR_RETURN(const Const* shape, ConstInput(n, 1, "the target shape"));
    if (shape == nullptr || shape->is_float) return Malformed(n, "needs an integer shape");
    std::vector<int64_t> sizes;
    std::vector<bool> core;
    for (int a : in.axes) {
      sizes.push_back(InputDim(in, a));
      // Original axes of unknown or non-1 size must survive; size-1 axes may come and go.
      core.push_back(sizes.back() != 1);
    }
    std::vector<int> taken;
    if (!MatchReshape(sizes, core, shape->i, &taken))
      return Refuse(n, "reshapes the sales input to " + Join(shape->i) +
                           ": only adding or removing axes of size 1 is supported");
    out->axes.clear();
    for (int t : taken) out->axes.push_back(t < 0 ? kInsertedAxis : in.axes[t]);
    return Status::Ok();
  }
  return Refuse(n, "is not a layout op");
}

Status Importer::VisitSales(const NodeProto& n, const std::vector<const Value*>& in) {
  const std::string& op = n.op_type;
  const Value* a = in.empty() ? nullptr : in[0];
  const Value* b = in.size() > 1 ? in[1] : nullptr;
  if (a == nullptr) return Malformed(n, "has no first input");
  if (op == "Identity" || op == "Dropout") return Output(n, 0, *a);
  if (op == "Cast") {
    SHELFCAST_ASSIGN_OR_RETURN(const int64_t to, IntAttr(n, "to", 0));
    if (to != kFloat) return Refuse(n, "casts the sales input to " + std::string(DataTypeName(static_cast<int32_t>(to))));
    return Output(n, 0, *a);
  }
  if (op == "Unsqueeze" || op == "Squeeze" || op == "Transpose" || op == "Reshape") {
    if (a->kind == Kind::kWindowMean) return Refuse(n, "changes the layout of the window mean");
    Value out;
    SHELFCAST_RETURN_IF_ERROR(SalesLayout(n, *a, &out));
    return Output(n, 0, std::move(out));
  }
  if (op == "ReduceMean") {
    if (a->kind != Kind::kSales || a->norm.ops > 0 || a->window_mean || a->features != 1)
      return Refuse(n, "only the mean of the raw sales window (window-mean normalisation) is supported");
    std::vector<int64_t> axes;
    bool present;
    SHELFCAST_RETURN_IF_ERROR(Ints(n, "axes", 1, &axes, &present));
    SHELFCAST_ASSIGN_OR_RETURN(const int64_t keepdims, IntAttr(n, "keepdims", 1));
    bool ok;
    axes = NormaliseAxes(axes, a->axes.size(), &ok);
    if (!ok || axes.size() != 1 || keepdims != 1)
      return Refuse(n, "window-mean normalisation averages one axis with keepdims=1");
    Value v = *a;
    v.kind = Kind::kWindowMean;
    v.reduced_axis = a->axes[axes[0]];
    return Output(n, 0, std::move(v));
  }
  if (op == "Concat") {
    if (in.size() != 2 || b == nullptr || a->kind != Kind::kSales || b->kind != Kind::kCalendar)
      return Refuse(n, "only joins the sales input with the 'calendar' input, in that order");
    SHELFCAST_ASSIGN_OR_RETURN(int64_t axis, IntAttr(n, "axis", 0));
    const size_t rank = a->axes.size();
    if (axis < 0) axis += static_cast<int64_t>(rank);
    if (rank != 3 || b->axes.size() != 3 || axis < 0 || axis >= 3)
      return Refuse(n, "joins along axis " + std::to_string(axis) + " of tensors of rank " + std::to_string(rank));
    for (size_t k = 0; k < 3; ++k) {
      if (static_cast<int64_t>(k) == axis) {
        if (InputDim(*a, a->axes[k]) != 1 || b->axes[k] != 2)
          return Refuse(n, "must join the calendar features after the one sales feature");
      } else if (a->axes[k] != b->axes[k]) {
        return Refuse(n, "the sales and calendar inputs are not laid out alike");
      }
    }
    Value v = *a;
    v.axes[axis] = kFeatureAxis;
    v.features = 1 + static_cast<uint32_t>(calendar_dims_[2].value);
    v.calendar = b->calendar;
    return Output(n, 0, std::move(v));
  }
  if (op == "Sub" || op == "Add" || op == "Mul" || op == "Div") {
    if (b == nullptr) return Malformed(n, "needs two inputs");
    // Window-mean normalisation: mean + offset, then sales / that.
    if (op == "Add" && (a->kind == Kind::kWindowMean || b->kind == Kind::kWindowMean)) {
      const Value& m = a->kind == Kind::kWindowMean ? *a : *b;
      const Value& c = a->kind == Kind::kWindowMean ? *b : *a;
      if (c.kind != Kind::kConst || c.c.size() != 1 || !c.c.is_float || m.window_offset_set)
        return Refuse(n, "the window mean takes one scalar offset");
      Value v = m;
      v.window_offset = c.c.f[0];
      v.window_offset_set = true;
      return Output(n, 0, std::move(v));
    }
    if (op == "Div" && a->kind == Kind::kSales && b->kind == Kind::kWindowMean) {
      if (a->norm.ops > 0 || a->window_mean || a->axes != b->axes)
        return Refuse(n, "window-mean normalisation divides the raw sales window by its own mean");
      if (!b->window_offset_set || !(b->window_offset > 0.f))
        return Refuse(n, "window-mean normalisation needs an offset > 0 added to the mean");
      Value v = *a;
      v.window_mean = true;
      v.window_offset = b->window_offset;
      v.reduced_axis = b->reduced_axis;
      return Output(n, 0, std::move(v));
    }
    const bool commutes = op == "Add" || op == "Mul";
    const Value* x = a;
    const Value* c = b;
    if (commutes && a->kind == Kind::kConst) std::swap(x, c);
    if (x->kind != Kind::kSales || c->kind != Kind::kConst)
      return Refuse(n, "only sales " + op + " a constant is supported on the input path");
    if (c->c.size() != 1 || !c->c.is_float)
      return Refuse(n, "normalises with a " + Join(c->c.dims) + " tensor: only one scalar for the whole series");
    if (x->window_mean) return Refuse(n, "adds a second normalisation after the window-mean one");
    const double k = c->c.f[0];
    if ((op == "Div" || op == "Mul") && k == 0.0) return Refuse(n, "scales by zero");
    Value v = *x;
    Affine& t = v.norm;
    if (op == "Sub") t.b -= k;
    if (op == "Add") t.b += k;
    if (op == "Mul") { t.a *= k; t.b *= k; }
    if (op == "Div") { t.a /= k; t.b /= k; }
    ++t.ops;
    return Output(n, 0, std::move(v));
  }
  return Refuse(n, "is not supported between the graph input and the LSTM (supported: Transpose, Unsqueeze, "
                   "Squeeze, Reshape, Identity, Cast, scalar Sub/Add/Mul/Div, window-mean ReduceMean)");
}

Status Importer::VisitLstm(const NodeProto& n, const std::vector<const Value*>& in) {
  const bool quantized = n.op_type == "DynamicQuantizeLSTM";
  const Value* x = in.empty() ? nullptr : in[0];
  if (x == nullptr) return Malformed(n, "has no input X");
  if (lstm_layers_.size() >= limits::kMaxLstmLayers)
    return Refuse(n, "more than " + std::to_string(limits::kMaxLstmLayers) + " LSTM layers");
  if (x->kind != Kind::kSales && x->kind != Kind::kLstm)
    return Refuse(n, "input X must come from the graph input or from the previous LSTM");
  if (x->lstm_layers != lstm_layers_.size() || x->dense_layers != 0)
    return Refuse(n, "input X does not continue the chain of LSTM layers");

  // The input size and, for the first layer, the window and axis mapping.
  uint32_t features;
  if (x->kind == Kind::kSales) {
    if (x->axes.size() != 3) return Refuse(n, "input X must be 3-D [time, batch, features]");
    const int t = x->axes[0], b = x->axes[1], f = x->axes[2];
    if (t < 0) return Refuse(n, "axis 0 of input X (time) is not an axis of the graph input");
    if (b == t) return Refuse(n, "input X uses one graph input axis twice");
    const int64_t dim_t = InputDim(*x, t);
    if (dim_t < 0 && options_.window == 0)
      return Unsupported("graph input '" + sales_name_ + "': its time axis " + std::to_string(t) +
                         " is symbolic ('" + sales_dims_[t].param + "'): give the window length");
    if (dim_t >= 0 && options_.window != 0 && dim_t != options_.window)
      return Unsupported("graph input '" + sales_name_ + "': its time axis has " + std::to_string(dim_t) +
                         " steps, but a window of " + std::to_string(options_.window) + " was given");
    window_ = dim_t >= 0 ? dim_t : options_.window;
    if (window_ < 1 || window_ > limits::kMaxWindow)
      return Unsupported("a window of " + std::to_string(window_) + " days is outside 1.." +
                         std::to_string(limits::kMaxWindow));
    batch_size_ = InputDim(*x, b);
    if (f == kFeatureAxis) {
      features = x->features;
    } else {
      const int64_t df = InputDim(*x, f);
      if (df != 1)
        return Unsupported("graph input '" + sales_name_ + "' has " + std::to_string(df) +
                           " features per step: only univariate (sales only) models import");
      features = 1;
    }
    if (x->window_mean && x->reduced_axis != t)
      return Refuse(n, "the window mean is taken over an axis that is not the LSTM's time axis");
    lstm_input_ = *x;
  } else {
    if (x->roles.size() != 3 || x->roles[0] != Role::kTime || x->roles[1] != Role::kBatch ||
        x->roles[2] != Role::kWidth)
      return Refuse(n, "input X from the previous LSTM must be [time, batch, units] (squeeze the direction axis)");
    features = x->width;
  }

  // Attributes.
  if (const AttributeProto* a = n.Find("direction"))
    if (a->s != "forward") return Refuse(n, "direction '" + a->s + "': only forward LSTMs are supported");
  if (n.Find("clip") != nullptr) return Refuse(n, "cell clipping (attribute clip) is not supported");
  SHELFCAST_ASSIGN_OR_RETURN(const int64_t input_forget, IntAttr(n, "input_forget", 0));
  if (input_forget != 0) return Refuse(n, "coupled input-forget gates (input_forget=1) are not supported");
  SHELFCAST_ASSIGN_OR_RETURN(const int64_t layout, IntAttr(n, "layout", 0));
  if (layout != 0) return Refuse(n, "batch-major layout (layout=1) is not supported");
  Activation recurrent = Activation::kSigmoid;
  if (const AttributeProto* a = n.Find("activations")) {
    if (a->strings.size() != 3) return Refuse(n, "activations must list 3 functions (one direction)");
    const std::string f = Lower(a->strings[0]), g = Lower(a->strings[1]), h = Lower(a->strings[2]);
    if (g != "tanh" || h != "tanh")
      return Refuse(n, "cell and hidden activations " + a->strings[1] + ", " + a->strings[2] + ": only Tanh is supported");
    if (f == "sigmoid") {
      recurrent = Activation::kSigmoid;
    } else if (f == "relu") {
      recurrent = Activation::kRelu;
    } else if (f == "hardsigmoid") {
      const AttributeProto* al = n.Find("activation_alpha");
      const AttributeProto* be = n.Find("activation_beta");
      const float alpha = al && !al->floats.empty() ? al->floats[0] : 0.2f;
      const float beta = be && !be->floats.empty() ? be->floats[0] : 0.5f;
      if (alpha != 0.2f || beta != 0.5f)
        return Refuse(n, "HardSigmoid(alpha " + FloatText(alpha) + ", beta " + FloatText(beta) +
                             "): only Keras' clamp(0.2 x + 0.5, 0, 1) is supported");
      recurrent = Activation::kHardSigmoid;
    } else {
      return Refuse(n, "gate activation " + a->strings[0] + " is not supported (Sigmoid, HardSigmoid, Relu)");
    }
  }

  // Weights. LSTM: W [1, 4H, F], R [1, 4H, H] float. DynamicQuantizeLSTM: W [1, F, 4H],
  // R [1, H, 4H] int8/uint8 with scales and zero points (inputs 8..11).
  SHELFCAST_ASSIGN_OR_RETURN(const Const* w, ConstInput(n, 1, "W"));
  SHELFCAST_ASSIGN_OR_RETURN(const Const* r, ConstInput(n, 2, "R"));
  SHELFCAST_ASSIGN_OR_RETURN(const Const* bias, ConstInput(n, 3, "B"));
  if (w == nullptr || r == nullptr) return Malformed(n, "needs W and R");
  if (w->dims.size() != 3 || r->dims.size() != 3 || w->dims[0] != 1 || r->dims[0] != 1)
    return Refuse(n, "W and R must be 3-D with one direction, got " + Join(w->dims) + " and " + Join(r->dims));
  const int64_t rows = quantized ? r->dims[2] : r->dims[1];
  const int64_t hidden = rows / 4;
  if (rows % 4 != 0 || hidden < 1 || hidden > limits::kMaxHidden)
    return Refuse(n, "R " + Join(r->dims) + " does not hold 4 gates of 1.." + std::to_string(limits::kMaxHidden) +
                         " units");
  SHELFCAST_ASSIGN_OR_RETURN(const int64_t hidden_attr, IntAttr(n, "hidden_size", hidden));
  if (hidden_attr != hidden)
    return Malformed(n, "hidden_size " + std::to_string(hidden_attr) + " does not match R " + Join(r->dims));
  const std::vector<int64_t> w_dims = quantized ? std::vector<int64_t>{1, features, rows}
                                                : std::vector<int64_t>{1, rows, features};
  const std::vector<int64_t> r_dims = quantized ? std::vector<int64_t>{1, hidden, rows}
                                                : std::vector<int64_t>{1, rows, hidden};
  if (w->dims != w_dims || r->dims != r_dims)
    return Refuse(n, "W " + Join(w->dims) + " and R " + Join(r->dims) + " do not match an LSTM of " +
                         std::to_string(hidden) + " units over " + std::to_string(features) + " input(s) (expected " +
                         Join(w_dims) + " and " + Join(r_dims) + ")");
  if (bias != nullptr && (bias->dims != std::vector<int64_t>{1, 2 * rows} || !bias->is_float))
    return Refuse(n, "B " + Join(bias->dims) + " must be float [1, " + std::to_string(2 * rows) + "]");
  if (quantized == w->is_float || quantized == r->is_float)
    return Refuse(n, quantized ? "W and R must be int8 or uint8" : "W and R must be float");

  // Optional inputs: full-length sequences, zero initial states, no peepholes.
  SHELFCAST_ASSIGN_OR_RETURN(const Value* seq, Input(n, 4));
  if (seq != nullptr) {
    if (seq->kind != Kind::kConst) return Refuse(n, "sequence_lens must be absent or a constant");
    for (size_t k = 0; k < seq->c.size(); ++k)
      if (seq->c.at(k) != static_cast<double>(window_))
        return Refuse(n, "sequence_lens holds " + FloatText(seq->c.at(k)) + ": every sequence must span the window of " +
                             std::to_string(window_));
  }
  for (size_t k : {size_t{5}, size_t{6}}) {
    SHELFCAST_ASSIGN_OR_RETURN(const Value* s, Input(n, k));
    if (s == nullptr || s->kind == Kind::kZeros || (s->kind == Kind::kConst && AllZero(s->c))) continue;
    return Refuse(n, std::string(k == 5 ? "initial_h" : "initial_c") + " ('" + n.inputs[k] +
                         "') must be zero: a forecaster starts every window from a zero state");
  }
  SHELFCAST_ASSIGN_OR_RETURN(const Value* peephole, Input(n, 7));
  if (peephole != nullptr) return Refuse(n, "peephole weights (input P) are not supported");

  const uint32_t units = static_cast<uint32_t>(hidden), cols = static_cast<uint32_t>(rows);
  Layer layer = MakeLstmLayer(features, units, recurrent);
  Tensor& kernel = *layer.Find(TensorRole::kKernel);
  Tensor& recurrent_kernel = *layer.Find(TensorRole::kRecurrentKernel);
  Tensor& b = *layer.Find(TensorRole::kBias);
  for (uint32_t row = 0; row < cols; ++row)
    b.dense[KerasColumn(row, units)] = bias ? bias->f[row] + bias->f[cols + row] : 0.f;

  if (!quantized) {
    for (uint32_t row = 0; row < cols; ++row) {
      const uint32_t col = KerasColumn(row, units);
      for (uint32_t k = 0; k < features; ++k)
        kernel.dense[static_cast<size_t>(k) * cols + col] = w->f[static_cast<size_t>(row) * features + k];
      for (uint32_t k = 0; k < units; ++k)
        recurrent_kernel.dense[static_cast<size_t>(k) * cols + col] = r->f[static_cast<size_t>(row) * units + k];
    }
  } else {
    // Scales per tensor ([1] or [1, 1]) or per output channel ([1, 4H] or [4H]); zero
    // points likewise, int8 or uint8 as the weights.
    struct Quant { const Const* q; const Const* scale; const Const* zero; Tensor* t; uint32_t inner; const char* name; };
    Quant parts[2] = {{w, nullptr, nullptr, &kernel, features, "W"}, {r, nullptr, nullptr, &recurrent_kernel, units, "R"}};
    for (int p = 0; p < 2; ++p) {
      SHELFCAST_ASSIGN_OR_RETURN(parts[p].scale, ConstInput(n, 8 + 2 * p, std::string(parts[p].name) + "_scale"));
      SHELFCAST_ASSIGN_OR_RETURN(parts[p].zero, ConstInput(n, 9 + 2 * p, std::string(parts[p].name) + "_zero_point"));
      const Quant& q = parts[p];
      if (q.scale == nullptr || !q.scale->is_float || (q.scale->size() != 1 && q.scale->size() != cols))
        return Refuse(n, std::string(q.name) + "_scale must hold 1 or " + std::to_string(cols) + " floats");
      if (q.zero != nullptr && (q.zero->is_float || q.zero->size() != q.scale->size()))
        return Refuse(n, std::string(q.name) + "_zero_point must match " + q.name + "_scale");
    }
    // shelfcast int8 is symmetric with binary16 per-column scales: a part imports as int8
    // when the file's already is (as shelfcast exports it), else it is dequantised exactly
    // to float32. The recurrent kernel decides: the engine runs an int8 R beside a float or
    // int8 W (a dynamic-range file, whose export quantises W at scales |w| / 127), not an
    // int8 W beside a float R.
    const auto storable = [](const Quant& q) {
      if (q.q->type != kInt8 || (q.zero != nullptr && !AllZero(*q.zero))) return false;
      for (float s : q.scale->f)
        if (RoundToHalf(s) != s || s < 0.f) return false;
      for (int64_t v : q.q->i)
        if (v == -128) return false;
      return true;
    };
    const bool r_int8 = storable(parts[1]);
    const bool int8_part[2] = {r_int8 && storable(parts[0]), r_int8};
    for (int p = 0; p < 2; ++p) {
      const Quant& q = parts[p];
      const bool as_int8 = int8_part[p];
      Tensor& t = *q.t;
      const auto scale = [&](uint32_t row) { return q.scale->f[q.scale->size() == 1 ? 0 : row]; };
      const auto zero = [&](uint32_t row) -> int64_t {
        return q.zero == nullptr ? 0 : q.zero->i[q.zero->size() == 1 ? 0 : row];
      };
      if (as_int8) {
        t.encoding = Encoding::kInt8;
        t.dense.clear();
        t.q.assign(t.size(), 0);
        t.scales.assign(cols, 0.f);
        for (uint32_t row = 0; row < cols; ++row) t.scales[KerasColumn(row, units)] = scale(row);
      }
      for (uint32_t k = 0; k < q.inner; ++k)
        for (uint32_t row = 0; row < cols; ++row) {
          const size_t at = static_cast<size_t>(k) * cols + KerasColumn(row, units);
          const int64_t v = q.q->i[static_cast<size_t>(k) * cols + row];
          if (as_int8) t.q[at] = static_cast<int8_t>(v);
          else t.dense[at] = static_cast<float>(v - zero(row)) * scale(row);
        }
    }
  }
  lstm_layers_.push_back(std::move(layer));

  Value y, y_h, y_c;
  y.kind = y_h.kind = Kind::kLstm;
  y_c.kind = Kind::kLstmCell;
  y.roles = {Role::kTime, Role::kDir, Role::kBatch, Role::kWidth};
  y_h.roles = {Role::kDir, Role::kBatch, Role::kWidth};
  y.width = y_h.width = units;
  y.lstm_layers = y_h.lstm_layers = lstm_layers_.size();
  SHELFCAST_RETURN_IF_ERROR(Output(n, 0, y));
  SHELFCAST_RETURN_IF_ERROR(Output(n, 1, y_h));
  return Output(n, 2, y_c);
}

// Layout ops after the LSTM: roles say what each axis is.
Status Importer::RoleLayout(const NodeProto& n, const Value& in, Value* out) {
  const std::string& op = n.op_type;
  *out = in;
  const size_t rank = in.roles.size();
  std::vector<int64_t> axes;
  bool present = false;
  if (op == "Unsqueeze") {
    SHELFCAST_RETURN_IF_ERROR(Ints(n, "axes", 1, &axes, &present));
    bool ok;
    const std::vector<int64_t> at = NormaliseAxes(axes, rank + axes.size(), &ok);
    if (!present || !ok) return Malformed(n, "axes " + Join(axes) + " are missing or out of range");
    out->roles.clear();
    size_t src = 0;
    for (size_t k = 0; k < rank + axes.size(); ++k)
      out->roles.push_back(std::binary_search(at.begin(), at.end(), static_cast<int64_t>(k)) ? Role::kOne
                                                                                             : in.roles[src++]);
    return Status::Ok();
  }
  if (op == "Squeeze") {
    SHELFCAST_RETURN_IF_ERROR(Ints(n, "axes", 1, &axes, &present));
    bool ok;
    const std::vector<int64_t> at = NormaliseAxes(axes, rank, &ok);
    if (!ok) return Malformed(n, "axes " + Join(axes) + " are out of range");
    out->roles.clear();
    for (size_t k = 0; k < rank; ++k) {
      const bool listed = std::binary_search(at.begin(), at.end(), static_cast<int64_t>(k));
      if (present ? listed : SizeOne(in.roles[k])) {
        if (!SizeOne(in.roles[k]) && RoleSize(in, k) != 1)
          return Refuse(n, "squeezes axis " + std::to_string(k) + ", which is not of size 1");
        if (in.roles[k] == Role::kTime || in.roles[k] == Role::kWidth)
          return Refuse(n, "squeezes the time or units axis");
        if (in.roles[k] == Role::kBatch) return Refuse(n, "squeezes the batch axis");
        continue;
      }
      out->roles.push_back(in.roles[k]);
    }
    return Status::Ok();
  }
  if (op == "Transpose") {
    SHELFCAST_ASSIGN_OR_RETURN(const std::vector<int64_t> perm, Permutation(n, rank));
    for (size_t k = 0; k < rank; ++k) out->roles[k] = in.roles[perm[k]];
    return Status::Ok();
  }
  if (op == "Reshape" || op == "Flatten") {
    std::vector<int64_t> target;
    if (op == "Reshape") {
      SHELFCAST_ASSIGN_OR_RETURN(const Const* shape, ConstInput(n, 1, "the target shape"));
      if (shape == nullptr || shape->is_float) return Malformed(n, "needs an integer shape");
      target = shape->i;
    } else {
      SHELFCAST_ASSIGN_OR_RETURN(int64_t axis, IntAttr(n, "axis", 1));
      if (axis < 0) axis += static_cast<int64_t>(rank);
      // Flatten to [prod(axes < axis), prod(axes >= axis)]: each side may hold one axis
      // that is not of size 1.
      int64_t outer = 1, inner = 1;
      for (size_t k = 0; k < rank; ++k) {
        const int64_t s = RoleSize(in, k);
        int64_t& side = static_cast<int64_t>(k) < axis ? outer : inner;
        side = (s < 0 || side < 0) ? -1 : side * s;
      }
      target = {outer, inner};
    }
    std::vector<int64_t> sizes;
    std::vector<bool> core;
    for (size_t k = 0; k < rank; ++k) {
      sizes.push_back(RoleSize(in, k));
      core.push_back(!SizeOne(in.roles[k]));
    }
    std::vector<int> taken;
    if (!MatchReshape(sizes, core, target, &taken))
      return Refuse(n, "reshapes the LSTM output to " + Join(target) +
                           ": only adding or removing axes of size 1 is supported");
    out->roles.clear();
    for (int t : taken) out->roles.push_back(t < 0 ? Role::kOne : in.roles[t]);
    return Status::Ok();
  }
  if (op == "Gather") {
    SHELFCAST_ASSIGN_OR_RETURN(const Const* indices, ConstInput(n, 1, "indices"));
    SHELFCAST_ASSIGN_OR_RETURN(int64_t axis, IntAttr(n, "axis", 0));
    if (axis < 0) axis += static_cast<int64_t>(rank);
    if (indices == nullptr || indices->is_float || indices->size() != 1 || axis < 0 ||
        axis >= static_cast<int64_t>(rank))
      return Refuse(n, "only a single constant index on a valid axis is supported");
    const Role role = in.roles[axis];
    int64_t index = indices->i[0];
    const int64_t size = RoleSize(in, static_cast<size_t>(axis));
    if (index < 0 && size > 0) index += size;
    if (role == Role::kTime) {
      if (index != window_ - 1)
        return Refuse(n, "selects time step " + std::to_string(indices->i[0]) + ": only the last step (" +
                             std::to_string(window_ - 1) + " or -1) is supported");
    } else if (!SizeOne(role) || index != 0) {
      return Refuse(n, "gathers along the batch or units axis");
    }
    const bool scalar = indices->dims.empty();
    out->roles.erase(out->roles.begin() + axis);
    if (!scalar) out->roles.insert(out->roles.begin() + axis, role == Role::kTime ? Role::kLast : role);
    return Status::Ok();
  }
  if (op == "Slice") {
    std::vector<int64_t> starts, ends, axes_list, steps;
    bool has_starts, has_ends, has_axes, has_steps;
    SHELFCAST_RETURN_IF_ERROR(Ints(n, "starts", 1, &starts, &has_starts));
    SHELFCAST_RETURN_IF_ERROR(Ints(n, "ends", 2, &ends, &has_ends));
    SHELFCAST_RETURN_IF_ERROR(Ints(n, "axes", 3, &axes_list, &has_axes));
    SHELFCAST_RETURN_IF_ERROR(Ints(n, "steps", 4, &steps, &has_steps));
    if (!has_starts || !has_ends || starts.size() != ends.size())
      return Malformed(n, "starts and ends must be constants of equal length");
    if (!has_axes)
      for (size_t k = 0; k < starts.size(); ++k) axes_list.push_back(static_cast<int64_t>(k));
    for (size_t k = 0; k < starts.size(); ++k) {
      int64_t axis = k < axes_list.size() ? axes_list[k] : -1;
      if (axis < 0) axis += static_cast<int64_t>(rank);
      if (axis < 0 || axis >= static_cast<int64_t>(rank)) return Malformed(n, "axes are out of range");
      if (has_steps && k < steps.size() && steps[k] != 1) return Refuse(n, "only step 1 is supported");
      const int64_t size = RoleSize(in, static_cast<size_t>(axis));
      int64_t s = starts[k], e = ends[k];
      if (size > 0) {
        if (s < 0) s += size;
        if (e < 0) e += size;
        e = std::min(e, size);
        s = std::max<int64_t>(0, std::min(s, size));
      }
      const Role role = in.roles[axis];
      const bool full = s == 0 && (size < 0 ? e >= (int64_t{1} << 30) : e >= size);
      if (full) continue;
      if (role == Role::kTime && s == window_ - 1 && e == window_) {
        out->roles[axis] = Role::kLast;
        continue;
      }
      return Refuse(n, role == Role::kTime ? "selects time steps other than the last one"
                                           : "slices the batch or units axis");
    }
    return Status::Ok();
  }
  return Refuse(n, "is not a layout op");
}

Status Importer::CheckHeadChain(const NodeProto& n, const Value& v) const {
  if (v.lstm_layers != lstm_layers_.size() || v.dense_layers != dense_layers_.size())
    return Refuse(n, "the graph branches: this value is not the end of the LSTM -> Dense chain");
  return Status::Ok();
}

Status Importer::CloseDense(const NodeProto& n, const Const* bias) {
  Layer& d = dense_layers_.back();
  Tensor& b = *d.Find(TensorRole::kBias);
  if (bias != nullptr) {
    const size_t units = d.units;
    for (size_t k = 0; k + 1 < bias->dims.size(); ++k)
      if (bias->dims[k] != 1) return Refuse(n, "bias " + Join(bias->dims) + " does not broadcast over the batch");
    if (!bias->is_float || (bias->size() != units && bias->size() != 1))
      return Refuse(n, "bias " + Join(bias->dims) + " must hold " + std::to_string(units) + " floats");
    for (size_t j = 0; j < units; ++j) b.dense[j] = bias->f[bias->size() == 1 ? 0 : j];
  }
  dense_open_ = false;
  return Status::Ok();
}

Status Importer::AddDense(const NodeProto& n, const Value& a, const Const& kernel, bool transpose, Value* out) {
  SHELFCAST_RETURN_IF_ERROR(CheckHeadChain(n, a));
  if (a.norm.ops > 0 || a.window_mean) return Refuse(n, "a Dense layer after the output de-normalisation");
  for (Role r : a.roles)
    if (r == Role::kTime)
      return Refuse(n, "the head reads every time step: only the last one (Y_h, or Y at step -1) is supported");
  if (a.roles.empty() || a.roles.back() != Role::kWidth)
    return Refuse(n, "the head must multiply the units axis (the last one)");
  int batch_axes = 0;
  for (Role r : a.roles) batch_axes += r == Role::kBatch;
  if (batch_axes != 1) return Refuse(n, "the head's input has no batch axis");
  if (kernel.dims.size() != 2 || !kernel.is_float) return Refuse(n, "the weight must be a 2-D float constant");
  const int64_t k = transpose ? kernel.dims[1] : kernel.dims[0];
  const int64_t units = transpose ? kernel.dims[0] : kernel.dims[1];
  if (k != a.width)
    return Refuse(n, "the weight " + Join(kernel.dims) + " does not take " + std::to_string(a.width) + " inputs");
  if (units < 1 || units > limits::kMaxHidden)
    return Refuse(n, std::to_string(units) + " output units are outside 1.." + std::to_string(limits::kMaxHidden));
  if (dense_open_) SHELFCAST_RETURN_IF_ERROR(CloseDense(n, nullptr));
  Layer d = MakeDenseLayer(static_cast<uint32_t>(k), static_cast<uint32_t>(units), Activation::kLinear);
  Tensor& w = *d.Find(TensorRole::kKernel);
  for (int64_t i = 0; i < k; ++i)
    for (int64_t j = 0; j < units; ++j)
      w.dense[i * units + j] = transpose ? kernel.f[j * k + i] : kernel.f[i * units + j];
  dense_layers_.push_back(std::move(d));
  *out = a;
  out->kind = Kind::kHead;
  out->width = static_cast<uint32_t>(units);
  out->dense_layers = dense_layers_.size();
  return Status::Ok();
}

Status Importer::VisitLstmSide(const NodeProto& n, const std::vector<const Value*>& in) {
  const std::string& op = n.op_type;
  const Value* a = in.empty() ? nullptr : in[0];
  const Value* b = in.size() > 1 ? in[1] : nullptr;
  if (a == nullptr) return Malformed(n, "has no first input");
  for (const Value* v : in)
    if (v != nullptr && v->kind == Kind::kLstmCell)
      return Refuse(n, "reads the LSTM's cell state Y_c: a forecaster's head reads the hidden state");
  if (op == "Identity" || op == "Dropout") return Output(n, 0, *a);
  if (op == "Cast") {
    SHELFCAST_ASSIGN_OR_RETURN(const int64_t to, IntAttr(n, "to", 0));
    if (to != kFloat) return Refuse(n, "casts to " + std::string(DataTypeName(static_cast<int32_t>(to))));
    return Output(n, 0, *a);
  }
  if (op == "Unsqueeze" || op == "Squeeze" || op == "Transpose" || op == "Reshape" || op == "Flatten" ||
      op == "Gather" || op == "Slice") {
    if (a->kind != Kind::kLstm && a->kind != Kind::kHead) return Refuse(n, "is not supported here");
    Value out;
    SHELFCAST_RETURN_IF_ERROR(RoleLayout(n, *a, &out));
    return Output(n, 0, std::move(out));
  }
  if (op == "MatMul") {
    if (b == nullptr || b->kind != Kind::kConst) return Refuse(n, "the head's weight must be a constant");
    Value out;
    SHELFCAST_RETURN_IF_ERROR(AddDense(n, *a, b->c, false, &out));
    dense_open_ = true;
    return Output(n, 0, std::move(out));
  }
  if (op == "Gemm") {
    SHELFCAST_ASSIGN_OR_RETURN(const float alpha, FloatAttr(n, "alpha", 1.f));
    SHELFCAST_ASSIGN_OR_RETURN(const float beta, FloatAttr(n, "beta", 1.f));
    SHELFCAST_ASSIGN_OR_RETURN(const int64_t trans_a, IntAttr(n, "transA", 0));
    SHELFCAST_ASSIGN_OR_RETURN(const int64_t trans_b, IntAttr(n, "transB", 0));
    if (alpha != 1.f || beta != 1.f || trans_a != 0) return Refuse(n, "only alpha=1, beta=1, transA=0 is supported");
    if (a->roles.size() != 2) return Refuse(n, "input A must be 2-D [batch, units]");
    if (b == nullptr || b->kind != Kind::kConst) return Refuse(n, "the head's weight must be a constant");
    SHELFCAST_ASSIGN_OR_RETURN(const Const* c, ConstInput(n, 2, "C"));
    Value out;
    SHELFCAST_RETURN_IF_ERROR(AddDense(n, *a, b->c, trans_b != 0, &out));
    SHELFCAST_RETURN_IF_ERROR(CloseDense(n, c));
    return Output(n, 0, std::move(out));
  }
  if (op == "Relu" || op == "Tanh" || op == "Sigmoid") {
    if (a->kind != Kind::kHead)
      return Refuse(n, "an activation between the LSTM and the first Dense layer cannot be represented");
    SHELFCAST_RETURN_IF_ERROR(CheckHeadChain(n, *a));
    Layer& d = dense_layers_.back();
    if (d.activation != Activation::kLinear || a->norm.ops > 0 || a->window_mean)
      return Refuse(n, "a second activation on one Dense layer");
    if (dense_open_) SHELFCAST_RETURN_IF_ERROR(CloseDense(n, nullptr));
    d.activation = op == "Relu" ? Activation::kRelu : op == "Tanh" ? Activation::kTanh : Activation::kSigmoid;
    return Output(n, 0, *a);
  }
  if (op == "Add" || op == "Sub" || op == "Mul" || op == "Div") {
    if (b == nullptr) return Malformed(n, "needs two inputs");
    const bool commutes = op == "Add" || op == "Mul";
    const Value* x = a;
    const Value* c = b;
    if (commutes && x->kind != Kind::kHead) std::swap(x, c);
    if (x->kind != Kind::kHead)
      return Refuse(n, "arithmetic on the LSTM output before the Dense head is not supported");
    SHELFCAST_RETURN_IF_ERROR(CheckHeadChain(n, *x));
    if (op == "Mul" && c->kind == Kind::kWindowMean) {
      if (x->norm.ops > 0 || x->window_mean || dense_open_) return Refuse(n, "de-normalises twice");
      Value v = *x;
      v.window_mean = true;
      return Output(n, 0, std::move(v));
    }
    if (c->kind != Kind::kConst) return Refuse(n, "the head's " + op + " must take a constant");
    if (op == "Add" && dense_open_) {
      SHELFCAST_RETURN_IF_ERROR(CloseDense(n, &c->c));
      return Output(n, 0, *x);
    }
    // Output de-normalisation: y = a * y' + b, on the final Dense(1).
    if (c->c.size() != 1 || !c->c.is_float)
      return Refuse(n, "only scalar de-normalisation of the Dense(1) output is supported after the head");
    if (x->width != 1) return Refuse(n, "scales a Dense layer of " + std::to_string(x->width) + " units");
    if (x->window_mean) return Refuse(n, "adds a second de-normalisation after the window-mean one");
    const double k = c->c.f[0];
    if ((op == "Div" || op == "Mul") && k == 0.0) return Refuse(n, "scales by zero");
    Value v = *x;
    Affine& t = v.norm;
    if (op == "Sub") t.b -= k;
    if (op == "Add") t.b += k;
    if (op == "Mul") { t.a *= k; t.b *= k; }
    if (op == "Div") { t.a /= k; t.b /= k; }
    ++t.ops;
    return Output(n, 0, std::move(v));
  }
  return Refuse(n, "is not supported after the LSTM (supported: Squeeze, Unsqueeze, Transpose, Reshape, Flatten, "
                   "Gather/Slice of the last step, MatMul + Add or Gemm, Relu, Tanh, Sigmoid, scalar Mul/Add)");
}

Result<Model> Importer::Finish(const Value& out) {
  if (out.kind != Kind::kHead)
    return Unsupported("graph output '" + proto_.graph.outputs[0].name +
                       "' is not computed by a Dense head after an LSTM");
  if (out.lstm_layers != lstm_layers_.size() || out.dense_layers != dense_layers_.size())
    return Unsupported("graph output '" + proto_.graph.outputs[0].name + "' is not the end of the LSTM -> Dense chain");
  for (Role r : out.roles)
    if (r == Role::kTime) return Unsupported("graph output '" + proto_.graph.outputs[0].name + "' has a time axis");
  const Layer& last = dense_layers_.back();
  if (last.units != 1 || last.activation != Activation::kLinear)
    return Unsupported("the output layer must be a linear Dense(1), found Dense(" + std::to_string(last.units) + ", " +
                       ActivationName(last.activation) + ")");
  Model model;
  model.window = static_cast<uint32_t>(window_);
  model.calendar = lstm_input_.calendar;
  for (const auto& kv : proto_.metadata) {
    if (kv.first != "shelfcast.horizon") continue;
    char* end = nullptr;
    const long h = std::strtol(kv.second.c_str(), &end, 10);
    if (end == kv.second.c_str() || *end != '\0' || h < 1 || h > static_cast<long>(limits::kMaxHorizon))
      return InvalidData("metadata shelfcast.horizon '" + kv.second + "' is not a horizon in 1.." +
                         std::to_string(limits::kMaxHorizon));
    model.horizon = static_cast<uint32_t>(h);
  }

  // Normalisation: what the graph does to the input must be undone at the output.
  const Affine& in = lstm_input_.norm;
  const Affine& outn = out.norm;
  const bool graph_norm = in.ops > 0 || outn.ops > 0 || lstm_input_.window_mean || out.window_mean;
  if (graph_norm && options_.set_normalisation)
    return Unsupported("the graph normalises its input itself: do not give a normalisation as well");
  if (lstm_input_.window_mean || out.window_mean) {
    if (!lstm_input_.window_mean || !out.window_mean || outn.ops > 0 || in.ops > 0)
      return Unsupported("the input is divided by the window mean but the output is not multiplied by it (or vice versa)");
    model.norm = NormKind::kWindowMean;
    model.norm_offset = lstm_input_.window_offset;
    model.norm_scale = 1.f;
  } else if (graph_norm) {
    // x' = a x + b  <=>  x' = (x - offset) / scale with scale = 1/a, offset = -b/a; the
    // output must map y' back with y = scale y' + offset.
    const float scale = static_cast<float>(1.0 / in.a), offset = static_cast<float>(-in.b / in.a);
    const float out_scale = static_cast<float>(outn.a), out_offset = static_cast<float>(outn.b);
    // Equal up to float rounding of the two ways of writing the same affine map.
    const auto close = [](float u, float v) { return std::fabs(u - v) <= 1e-6f * std::max(std::fabs(u), std::fabs(v)); };
    if (!close(scale, out_scale) || !close(offset, out_offset))
      return Unsupported("the output de-normalisation y * " + FloatText(out_scale) + " + " + FloatText(out_offset) +
                         " does not undo the input normalisation (x - " + FloatText(offset) + ") / " +
                         FloatText(scale));
    if (!(scale > 0.f)) return Unsupported("the input normalisation scale " + FloatText(scale) + " is not positive");
    model.norm = NormKind::kGlobal;
    model.norm_offset = offset;
    model.norm_scale = scale;
  } else {
    model.norm = NormKind::kGlobal;
    model.norm_offset = options_.set_normalisation ? options_.norm_offset : 0.f;
    model.norm_scale = options_.set_normalisation ? options_.norm_scale : 1.f;
  }
  for (Layer& l : lstm_layers_) model.layers.push_back(std::move(l));
  for (Layer& l : dense_layers_) model.layers.push_back(std::move(l));
  SHELFCAST_RETURN_IF_ERROR(ValidateModel(model).WithContext("the imported model"));
  return model;
}

Result<Model> Importer::Run() {
  if (!proto_.has_graph) return InvalidData("the ONNX file has no graph");
  const int64_t opset = proto_.OpsetVersion("");
  if (opset != 0 && opset < 7) return Unsupported("opset " + std::to_string(opset) + " is older than 7");
  if (proto_.graph.outputs.size() != 1)
    return Unsupported("the graph has " + std::to_string(proto_.graph.outputs.size()) +
                       " outputs: a forecaster has one, the next day's sales");
  SHELFCAST_RETURN_IF_ERROR(DefineInputs());
  for (node_index_ = 0; node_index_ < proto_.graph.nodes.size(); ++node_index_)
    SHELFCAST_RETURN_IF_ERROR(Visit(proto_.graph.nodes[node_index_]));
  if (lstm_layers_.empty()) return Unsupported("the graph has no LSTM node");
  if (dense_layers_.empty()) return Unsupported("the graph has no Dense head after the LSTM");
  const std::string& name = proto_.graph.outputs[0].name;
  auto it = values_.find(name);
  if (it == values_.end()) return InvalidData("graph output '" + name + "' is not computed by any node");
  return Finish(it->second);
}

}  // namespace

Result<Model> ImportOnnxModel(const ModelProto& proto, const ImportOptions& options) {
  Importer importer(proto, options);
  return importer.Run();
}

Result<Model> ImportOnnx(const uint8_t* data, size_t size, const ImportOptions& options) {
  SHELFCAST_ASSIGN_OR_RETURN(ModelProto proto, ParseModelProto(data, size));
  return ImportOnnxModel(proto, options);
}

}  // namespace shelfcast::onnx

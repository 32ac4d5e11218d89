// Model -> ONNX. See onnx.h for the graph this writes and why.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <string>

#include "compress/compress.h"
#include "format/reader.h"
#include "interop/onnx/onnx.h"

namespace shelfcast::onnx {
namespace {

// ONNX gate g (i, o, f, c) is Keras gate kKerasGate[g] (Keras packs i, f, c, o).
constexpr uint32_t kKerasGate[4] = {0, 3, 1, 2};

// Keras column of ONNX gate row r (r in [0, 4 * units)).
uint32_t KerasColumn(uint32_t r, uint32_t units) { return kKerasGate[r / units] * units + r % units; }

AttributeProto IntAttr(const std::string& name, int64_t v) {
  AttributeProto a;
  a.name = name;
  a.type = kAttrInt;
  a.i = v;
  return a;
}
AttributeProto IntsAttr(const std::string& name, std::vector<int64_t> v) {
  AttributeProto a;
  a.name = name;
  a.type = kAttrInts;
  a.ints = std::move(v);
  return a;
}
AttributeProto FloatsAttr(const std::string& name, std::vector<float> v) {
  AttributeProto a;
  a.name = name;
  a.type = kAttrFloats;
  a.floats = std::move(v);
  return a;
}
AttributeProto StringsAttr(const std::string& name, std::vector<std::string> v) {
  AttributeProto a;
  a.name = name;
  a.type = kAttrStrings;
  a.strings = std::move(v);
  return a;
}

ValueInfoProto FloatValue(const std::string& name, std::vector<Dimension> dims) {
  ValueInfoProto v;
  v.name = name;
  v.elem_type = kFloat;
  v.has_shape = true;
  v.dims = std::move(dims);
  return v;
}
Dimension Dim(int64_t n) {
  Dimension d;
  d.has_value = true;
  d.value = n;
  return d;
}
Dimension Dim(const std::string& param) {
  Dimension d;
  d.param = param;
  return d;
}

class GraphBuilder {
 public:
  explicit GraphBuilder(GraphProto* g) : g_(g) {}

  // Float initializers are written as raw_data (little-endian float32), as exporters do.
  std::string Floats(const std::string& name, std::vector<int64_t> dims, const std::vector<float>& v) {
    TensorProto t;
    t.name = name;
    t.dims = std::move(dims);
    t.data_type = kFloat;
    t.has_raw_data = true;
    t.raw_data.resize(v.size() * 4);
    for (size_t i = 0; i < v.size(); ++i) {
      uint32_t bits;
      std::memcpy(&bits, &v[i], 4);
      for (int b = 0; b < 4; ++b) t.raw_data[4 * i + b] = static_cast<char>(bits >> (8 * b));
    }
    g_->initializers.push_back(std::move(t));
    return g_->initializers.back().name;
  }
  std::string Int8s(const std::string& name, std::vector<int64_t> dims, const std::vector<int8_t>& v) {
    TensorProto t;
    t.name = name;
    t.dims = std::move(dims);
    t.data_type = kInt8;
    t.has_raw_data = true;
    t.raw_data.assign(reinterpret_cast<const char*>(v.data()), v.size());
    g_->initializers.push_back(std::move(t));
    return g_->initializers.back().name;
  }
  std::string Int64s(const std::string& name, std::vector<int64_t> dims, const std::vector<int64_t>& v) {
    TensorProto t;
    t.name = name;
    t.dims = std::move(dims);
    t.data_type = kInt64;
    t.int64_data = v;
    g_->initializers.push_back(std::move(t));
    return g_->initializers.back().name;
  }
  std::string Scalar(const std::string& name, float v) {
    static const std::vector<int64_t> kScalar;
    return Floats(name, kScalar, {v});
  }

  void Node(const std::string& op, const std::string& name, std::vector<std::string> inputs,
            std::vector<std::string> outputs, std::vector<AttributeProto> attributes = {},
            const std::string& domain = "") {
    NodeProto n;
    n.op_type = op;
    n.name = name;
    n.domain = domain;
    n.inputs = std::move(inputs);
    n.outputs = std::move(outputs);
    n.attributes = std::move(attributes);
    g_->nodes.push_back(std::move(n));
  }

 private:
  GraphProto* g_;
};

bool IsInt8(Encoding e) { return e == Encoding::kInt8 || e == Encoding::kSparseInt8; }

// Every entry's int8 value, zeros filled in for sparse-int8.
std::vector<int8_t> DenseQ(const Tensor& t) {
  if (t.encoding == Encoding::kInt8) return t.q;
  std::vector<int8_t> q(t.size(), 0);
  size_t v = 0;
  for (size_t i = 0; i < q.size() && v < t.q.size(); ++i)
    if (t.mask[i / 8] & (1u << (i % 8))) q[i] = t.q[v++];
  return q;
}

// Emits one LSTM layer reading `x` ([window, batch, inputs]); returns the names of Y and Y_h.
Status EmitLstm(const Model& model, size_t li, const std::string& x, bool need_y, GraphBuilder* b,
                std::string* y, std::string* y_h) {
  const Layer& layer = model.layers[li];
  const uint32_t in = layer.inputs, units = layer.units, rows = 4 * units;
  const std::string p = "lstm" + std::to_string(li);
  const Tensor& kernel = *layer.Find(TensorRole::kKernel);
  const Tensor& recurrent = *layer.Find(TensorRole::kRecurrentKernel);
  const std::vector<float> bias = layer.Find(TensorRole::kBias)->ToDense();

  // B = [Wb (i, o, f, c) | Rb = 0]: Keras has one bias, ONNX adds two.
  std::vector<float> b_onnx(2 * rows, 0.f);
  for (uint32_t r = 0; r < rows; ++r) b_onnx[r] = bias[KerasColumn(r, units)];

  std::vector<AttributeProto> attrs = {IntAttr("hidden_size", units)};
  switch (layer.recurrent_activation) {
    case Activation::kSigmoid: break;  // the ONNX default (Sigmoid, Tanh, Tanh)
    case Activation::kHardSigmoid:
      // Keras 2's hard sigmoid clamp(0.2 x + 0.5, 0, 1) is ONNX HardSigmoid(alpha 0.2, beta 0.5).
      attrs.push_back(StringsAttr("activations", {"HardSigmoid", "Tanh", "Tanh"}));
      attrs.push_back(FloatsAttr("activation_alpha", {0.2f}));
      attrs.push_back(FloatsAttr("activation_beta", {0.5f}));
      break;
    case Activation::kRelu:
      attrs.push_back(StringsAttr("activations", {"Relu", "Tanh", "Tanh"}));
      break;
    default:
      return Unsupported(p + ": recurrent activation " + std::string(ActivationName(layer.recurrent_activation)) +
                         " has no ONNX LSTM equivalent");
  }

  *y = need_y ? p + "_y" : "";
  *y_h = p + "_h";
  const bool q_kernel = IsInt8(kernel.encoding), q_recurrent = IsInt8(recurrent.encoding);
  if (layer.Find(TensorRole::kActivationScales) != nullptr)
    return Unsupported(p + ": full-integer LSTM (static activation scales, fixed-point gates and int16 cell): "
                       "ONNX Runtime's DynamicQuantizeLSTM quantises x and h per call and computes the gates in "
                       "float, which is a different model; export the dynamic-range int8 file instead");
  if (q_kernel && !q_recurrent)
    return Unsupported(p + ": kernel is " + EncodingName(kernel.encoding) + " but the recurrent kernel is " +
                       EncodingName(recurrent.encoding) +
                       ": DynamicQuantizeLSTM needs an int8 recurrent kernel and ONNX LSTM a float kernel");
  if (!q_recurrent) {
    // W [1, 4*units, inputs], R [1, 4*units, units]: row r is Keras column KerasColumn(r).
    const std::vector<float> wk = kernel.ToDense(), rk = recurrent.ToDense();
    std::vector<float> w(static_cast<size_t>(rows) * in), r(static_cast<size_t>(rows) * units);
    for (uint32_t row = 0; row < rows; ++row) {
      const uint32_t col = KerasColumn(row, units);
      for (uint32_t k = 0; k < in; ++k) w[static_cast<size_t>(row) * in + k] = wk[static_cast<size_t>(k) * rows + col];
      for (uint32_t k = 0; k < units; ++k)
        r[static_cast<size_t>(row) * units + k] = rk[static_cast<size_t>(k) * rows + col];
    }
    const std::string wn = b->Floats(p + "_W", {1, rows, in}, w);
    const std::string rn = b->Floats(p + "_R", {1, rows, units}, r);
    const std::string bn = b->Floats(p + "_B", {1, 2 * rows}, b_onnx);
    b->Node("LSTM", p, {x, wn, rn, bn}, {*y, *y_h}, std::move(attrs));
    return Status::Ok();
  }
  // DynamicQuantizeLSTM: W [1, inputs, 4*units] int8 (Keras' orientation, ONNX gate order),
  // per-output-channel scales [1, 4*units] and zero points 0: shelfcast's symmetric int8.
  // A float kernel (the dynamic-range files keep the x part f16) is quantised here.
  Tensor qkernel;
  if (!q_kernel) qkernel = QuantizeColumns(kernel, ScaleFormat::kFloat);
  const Tensor& wk = q_kernel ? kernel : qkernel;
  const std::vector<int8_t> qk = DenseQ(wk), qr = DenseQ(recurrent);
  std::vector<int8_t> w(static_cast<size_t>(in) * rows), r(static_cast<size_t>(units) * rows);
  std::vector<float> w_scale(rows), r_scale(rows);
  for (uint32_t row = 0; row < rows; ++row) {
    const uint32_t col = KerasColumn(row, units);
    for (uint32_t k = 0; k < in; ++k) w[static_cast<size_t>(k) * rows + row] = qk[static_cast<size_t>(k) * rows + col];
    for (uint32_t k = 0; k < units; ++k)
      r[static_cast<size_t>(k) * rows + row] = qr[static_cast<size_t>(k) * rows + col];
    w_scale[row] = wk.scales[col];
    r_scale[row] = recurrent.scales[col];
  }
  const std::vector<int8_t> zeros(rows, 0);
  const std::string wn = b->Int8s(p + "_W_quantized", {1, in, rows}, w);
  const std::string rn = b->Int8s(p + "_R_quantized", {1, units, rows}, r);
  const std::string bn = b->Floats(p + "_B", {1, 2 * rows}, b_onnx);
  const std::string ws = b->Floats(p + "_W_scale", {1, rows}, w_scale);
  const std::string wz = b->Int8s(p + "_W_zero_point", {1, rows}, zeros);
  const std::string rs = b->Floats(p + "_R_scale", {1, rows}, r_scale);
  const std::string rz = b->Int8s(p + "_R_zero_point", {1, rows}, zeros);
  b->Node("DynamicQuantizeLSTM", p, {x, wn, rn, bn, "", "", "", "", ws, wz, rs, rz}, {*y, *y_h}, std::move(attrs),
          "com.microsoft");
  return Status::Ok();
}

const char* ActivationOp(Activation a) {
  switch (a) {
    case Activation::kRelu: return "Relu";
    case Activation::kTanh: return "Tanh";
    case Activation::kSigmoid: return "Sigmoid";
    default: return nullptr;
  }
}

}  // namespace

Result<ModelProto> BuildOnnxModel(const Model& model, const ExportOptions& options) {
  SHELFCAST_RETURN_IF_ERROR(ValidateModel(model));
  ModelProto m;
  m.ir_version = kExportIrVersion;
  m.producer_name = "shelfcast";
  m.producer_version = "0.1.0";
  m.opset_imports.push_back({"", kExportOpset});
  m.metadata.push_back({"shelfcast.horizon", std::to_string(model.horizon)});
  m.has_graph = true;
  m.graph.name = "shelfcast_forecaster";
  GraphBuilder b(&m.graph);
  const bool full = options.graph == ExportGraph::kFull;
  const uint32_t window = model.window, features = model.input_features();
  bool any_int8 = false;

  std::string x;  // the current [window, batch, features] LSTM input
  std::string window_scale;
  if (full) {
    m.graph.inputs.push_back(FloatValue("sales", {Dim("batch"), Dim(window)}));
    std::string normalised;
    if (model.norm == NormKind::kGlobal) {
      b.Node("Sub", "normalise_offset", {"sales", b.Scalar("norm_offset", model.norm_offset)}, {"sales_centred"});
      b.Node("Div", "normalise_scale", {"sales_centred", b.Scalar("norm_scale", model.norm_scale)}, {"x_norm"});
    } else {
      b.Node("ReduceMean", "window_mean", {"sales"}, {"window_mean"}, {IntsAttr("axes", {1}), IntAttr("keepdims", 1)});
      b.Node("Add", "window_scale", {"window_mean", b.Scalar("norm_offset", model.norm_offset)}, {"window_scale"});
      b.Node("Div", "normalise_window", {"sales", "window_scale"}, {"x_norm"});
      window_scale = "window_scale";
    }
    b.Node("Unsqueeze", "sales_feature_axis", {"x_norm", b.Int64s("axis_2", {1}, {2})}, {"x_steps"});
    std::string steps = "x_steps";
    if (model.calendar != kCalendarNone) {
      m.graph.inputs.push_back(FloatValue("calendar", {Dim("batch"), Dim(window), Dim(features - 1)}));
      b.Node("Concat", "join_calendar", {"x_steps", "calendar"}, {"x_features"}, {IntAttr("axis", 2)});
      steps = "x_features";
    }
    b.Node("Transpose", "time_major", {steps}, {"lstm0_x"}, {IntsAttr("perm", {1, 0, 2})});
    x = "lstm0_x";
  } else {
    m.graph.inputs.push_back(FloatValue("x", {Dim(window), Dim("batch"), Dim(features)}));
    x = "x";
  }

  size_t li = 0;
  std::string h;
  for (; li < model.layers.size() && model.layers[li].kind == LayerKind::kLstm; ++li) {
    const bool last_lstm = li + 1 >= model.layers.size() || model.layers[li + 1].kind != LayerKind::kLstm;
    const Layer& layer = model.layers[li];
    any_int8 = any_int8 || IsInt8(layer.Find(TensorRole::kKernel)->encoding);
    std::string y, y_h;
    SHELFCAST_RETURN_IF_ERROR(EmitLstm(model, li, x, !last_lstm, &b, &y, &y_h));
    if (!last_lstm) {
      // Y is [window, 1 (direction), batch, units]: drop the direction axis for the next layer.
      x = "lstm" + std::to_string(li + 1) + "_x";
      b.Node("Squeeze", "lstm" + std::to_string(li) + "_y_squeeze", {y, b.Int64s("axis_1", {1}, {1})}, {x});
    }
    h = y_h;
  }
  // Y_h is [1 (direction), batch, units].
  const bool matmul_head = !full;
  if (full) {
    b.Node("Squeeze", "last_hidden", {h, b.Int64s("axis_0", {1}, {0})}, {"h_last"});
    h = "h_last";
  }
  for (; li < model.layers.size(); ++li) {
    const Layer& layer = model.layers[li];
    const std::string p = "dense" + std::to_string(li);
    const std::string kernel = b.Floats(p + "_kernel", {layer.inputs, layer.units}, layer.Find(TensorRole::kKernel)->ToDense());
    const std::string bias = b.Floats(p + "_bias", {layer.units}, layer.Find(TensorRole::kBias)->ToDense());
    std::string out = p + "_out";
    if (matmul_head) {
      // [1, batch, inputs] x [inputs, units]: MatMul broadcasts, no Squeeze needed.
      b.Node("MatMul", p + "_matmul", {h, kernel}, {p + "_product"});
      b.Node("Add", p, {p + "_product", bias}, {out});
    } else {
      b.Node("Gemm", p, {h, kernel, bias}, {out});
    }
    if (layer.activation != Activation::kLinear) {
      const char* op = ActivationOp(layer.activation);
      if (op == nullptr)
        return Unsupported(p + ": activation " + std::string(ActivationName(layer.activation)) + " has no ONNX op here");
      b.Node(op, p + "_activation", {out}, {p + "_act"});
      out = p + "_act";
    }
    h = out;
  }
  if (full) {
    if (model.norm == NormKind::kGlobal) {
      b.Node("Mul", "denormalise_scale", {h, "norm_scale"}, {"forecast_scaled"});
      b.Node("Add", "denormalise_offset", {"forecast_scaled", "norm_offset"}, {"forecast"});
    } else {
      b.Node("Mul", "denormalise_window", {h, window_scale}, {"forecast"});
    }
    m.graph.outputs.push_back(FloatValue("forecast", {Dim("batch"), Dim(1)}));
  } else {
    // Name the head's last value "y" rather than add an Identity node.
    m.graph.nodes.back().outputs[0] = "y";
    m.graph.outputs.push_back(FloatValue("y", {Dim(1), Dim("batch"), Dim(1)}));
  }
  if (any_int8) m.opset_imports.push_back({"com.microsoft", 1});
  return m;
}

Result<std::vector<uint8_t>> ExportOnnx(const Model& model, const ExportOptions& options) {
  SHELFCAST_ASSIGN_OR_RETURN(ModelProto m, BuildOnnxModel(model, options));
  return SerializeModelProto(m);
}

}  // namespace shelfcast::onnx

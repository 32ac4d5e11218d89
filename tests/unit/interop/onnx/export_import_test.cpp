// Export -> import round trips (identical weights, bit for bit), the exported graph's
// layout (gate order, shapes), and the importer's refusals, each with its exact message.
#include <catch2/catch.hpp>

#include <cstring>

#include "compress/compress.h"
#include "format/encoding.h"
#include "format/reader.h"
#include "interop/onnx/onnx.h"
#include "lstm/forecaster.h"
#include "test_util.h"

using namespace shelfcast;
using namespace shelfcast::onnx;

namespace {

Model RoundTrip(const Model& m, ExportGraph graph = ExportGraph::kFull, const ImportOptions& options = {}) {
  ExportOptions e;
  e.graph = graph;
  Result<std::vector<uint8_t>> bytes = ExportOnnx(m, e);
  REQUIRE(bytes.ok());
  Result<Model> back = ImportOnnx(bytes->data(), bytes->size(), options);
  INFO(back.status().message());
  REQUIRE(back.ok());
  return std::move(back).value();
}

// The model files are the contract: equal files mean equal weights, shapes, encodings,
// normalisation and calendar bits.
void RequireSameFile(const Model& a, const Model& b) {
  REQUIRE(testing::Bytes(a) == testing::Bytes(b));
}

const NodeProto* FindOp(const ModelProto& m, const std::string& op) {
  for (const NodeProto& n : m.graph.nodes)
    if (n.op_type == op) return &n;
  return nullptr;
}

std::vector<float> FloatsOf(const ModelProto& m, const std::string& name) {
  for (const TensorProto& t : m.graph.initializers) {
    if (t.name != name) continue;
    std::vector<float> v(t.raw_data.size() / 4);
    std::memcpy(v.data(), t.raw_data.data(), t.raw_data.size());
    return v;
  }
  FAIL("no initializer " << name);
  return {};
}

std::string ImportError(const ModelProto& m, const ImportOptions& options = {}) {
  Result<Model> r = ImportOnnxModel(m, options);
  REQUIRE_FALSE(r.ok());
  return r.status().message();
}

NodeProto* Node(ModelProto& m, const std::string& op) {
  for (NodeProto& n : m.graph.nodes)
    if (n.op_type == op) return &n;
  return nullptr;
}

// Symmetric int8 with binary16 per-column scales, as shelfcast's quantiser stores them.
void Quantise(Tensor* t) {
  const std::vector<float> dense = t->dense;
  t->encoding = Encoding::kInt8;
  t->scales.assign(t->cols, 0.f);
  for (uint32_t c = 0; c < t->cols; ++c) {
    float max = 0.f;
    for (uint32_t r = 0; r < t->rows; ++r) max = std::max(max, std::fabs(dense[r * t->cols + c]));
    t->scales[c] = RoundToHalf(max / 127.f);
  }
  t->q.resize(dense.size());
  for (size_t i = 0; i < dense.size(); ++i) {
    const float s = t->scales[i % t->cols];
    t->q[i] = static_cast<int8_t>(s > 0 ? std::max(-127.f, std::min(127.f, std::round(dense[i] / s))) : 0);
  }
  t->dense.clear();
}

}  // namespace

TEST_CASE("export -> import gives the identical model", "[interop][onnx]") {
  SECTION("LSTM-16, global normalisation, full and core graphs") {
    const Model m = testing::RandomModel(16, 30, 1);
    RequireSameFile(RoundTrip(m), m);
    ImportOptions with_norm;
    with_norm.set_normalisation = true;
    with_norm.norm_offset = m.norm_offset;
    with_norm.norm_scale = m.norm_scale;
    RequireSameFile(RoundTrip(m, ExportGraph::kCore, with_norm), m);
  }
  SECTION("window-mean normalisation, horizon, hard sigmoid") {
    Model m = testing::RandomModel(7, 14, 2);
    m.norm = NormKind::kWindowMean;
    m.norm_offset = 1.f;
    m.norm_scale = 1.f;
    m.horizon = 7;
    m.layers[0].recurrent_activation = Activation::kHardSigmoid;
    RequireSameFile(RoundTrip(m), m);
  }
  SECTION("calendar features as a second input") {
    const Model m = testing::RandomModel(8, 30, 3, kCalendarDayOfWeek | kCalendarMonth);
    RequireSameFile(RoundTrip(m), m);
    const Model dow = testing::RandomModel(5, 30, 4, kCalendarDayOfWeek);
    RequireSameFile(RoundTrip(dow), dow);
  }
  SECTION("two LSTM layers and a Dense(relu) -> Dense(1) head") {
    Model m = testing::RandomModel(6, 30, 5);
    m.layers.insert(m.layers.begin() + 1, MakeLstmLayer(6, 4));
    m.layers[2] = MakeDenseLayer(4, 3, Activation::kRelu);
    m.layers.push_back(MakeDenseLayer(3, 1, Activation::kLinear));
    float v = 0.01f;
    for (Layer& l : m.layers)
      for (Tensor& t : l.tensors)
        for (float& x : t.dense) x = (v = -v * 1.1f);
    REQUIRE(ValidateModel(m).ok());
    RequireSameFile(RoundTrip(m), m);
  }
  SECTION("int8 LSTM weights as DynamicQuantizeLSTM") {
    Model m = testing::RandomModel(12, 30, 6);
    Quantise(m.layers[0].Find(TensorRole::kKernel));
    Quantise(m.layers[0].Find(TensorRole::kRecurrentKernel));
    REQUIRE(ValidateModel(m).ok());
    const ModelProto proto = BuildOnnxModel(m).value();
    const NodeProto* lstm = FindOp(proto, "DynamicQuantizeLSTM");
    REQUIRE(lstm != nullptr);
    CHECK(lstm->domain == "com.microsoft");
    CHECK(proto.OpsetVersion("com.microsoft") == 1);
    CHECK(lstm->inputs.size() == 12);
    RequireSameFile(RoundTrip(m), m);
  }
  SECTION("f16 and sparse-f32 weights export as float and come back as f32 with equal values") {
    Model m = testing::RandomModel(9, 30, 7);
    Tensor& k = *m.layers[0].Find(TensorRole::kRecurrentKernel);
    for (float& x : k.dense) x = RoundToHalf(x);
    k.encoding = Encoding::kF16;
    Model back = RoundTrip(m);
    CHECK(back.layers[0].Find(TensorRole::kRecurrentKernel)->encoding == Encoding::kF32);
    CHECK(back.layers[0].Find(TensorRole::kRecurrentKernel)->dense == k.dense);
  }
}

TEST_CASE("the exported LSTM follows ONNX's gate order and layouts", "[interop][onnx]") {
  // One unit, one input: Keras columns i, f, c, o hold 1, 2, 3, 4.
  Model m = MakeLstmForecaster(1, 30);
  m.layers[0].Find(TensorRole::kKernel)->dense = {1, 2, 3, 4};
  m.layers[0].Find(TensorRole::kRecurrentKernel)->dense = {10, 20, 30, 40};
  m.layers[0].Find(TensorRole::kBias)->dense = {0.1f, 0.2f, 0.3f, 0.4f};
  const ModelProto proto = BuildOnnxModel(m).value();
  CHECK(proto.OpsetVersion("") == kExportOpset);
  const NodeProto* lstm = FindOp(proto, "LSTM");
  REQUIRE(lstm != nullptr);
  CHECK(lstm->Find("hidden_size")->i == 1);
  CHECK(FloatsOf(proto, lstm->inputs[1]) == std::vector<float>{1, 4, 2, 3});      // W: i, o, f, c
  CHECK(FloatsOf(proto, lstm->inputs[2]) == std::vector<float>{10, 40, 20, 30});  // R
  CHECK(FloatsOf(proto, lstm->inputs[3]) == std::vector<float>{0.1f, 0.4f, 0.2f, 0.3f, 0, 0, 0, 0});  // Wb | Rb
  REQUIRE(FindOp(proto, "Gemm") != nullptr);
  CHECK(proto.graph.inputs.at(0).name == "sales");
  CHECK(proto.graph.outputs.at(0).name == "forecast");
}

// Int8 values of a DynamicQuantizeLSTM input, in file order.
std::vector<int8_t> Int8sOf(const ModelProto& m, const std::string& name) {
  for (const TensorProto& t : m.graph.initializers)
    if (t.name == name) return std::vector<int8_t>(t.raw_data.begin(), t.raw_data.end());
  FAIL("no initializer " << name);
  return {};
}

TEST_CASE("dynamic-range int8 (float kernel, int8 recurrent kernel) exports as DynamicQuantizeLSTM", "[interop][onnx]") {
  // shelfcast's dynamic-range files: x part f16, h part int8. W (ONNX [1, in, 4H], gates
  // i, o, f, c) is quantised per output channel here; R carries the file's int8 as is.
  SECTION("one input: every W entry is +-127 at scale |w| / 127, exact up to float rounding") {
    Model m = testing::RandomModel(12, 30, 9);
    Tensor& k = *m.layers[0].Find(TensorRole::kKernel);
    for (float& x : k.dense) x = RoundToHalf(x);
    k.encoding = Encoding::kF16;
    k.dense[5] = 0.f;  // an all-zero column (one input: one value per column)
    Quantise(m.layers[0].Find(TensorRole::kRecurrentKernel));
    REQUIRE(ValidateModel(m).ok());
    const ModelProto proto = BuildOnnxModel(m).value();
    const NodeProto* lstm = FindOp(proto, "DynamicQuantizeLSTM");
    REQUIRE(lstm != nullptr);
    const std::vector<int8_t> w = Int8sOf(proto, lstm->inputs[1]);
    const std::vector<float> w_scale = FloatsOf(proto, lstm->inputs[8]);
    const std::vector<int8_t> r = Int8sOf(proto, lstm->inputs[2]);
    const std::vector<float> r_scale = FloatsOf(proto, lstm->inputs[10]);
    const Tensor& rk = *m.layers[0].Find(TensorRole::kRecurrentKernel);
    const uint32_t units = 12, rows = 48;
    constexpr uint32_t kKeras[4] = {0, 3, 1, 2};  // ONNX gate g is Keras gate kKeras[g]
    REQUIRE(w.size() == rows);
    for (uint32_t row = 0; row < rows; ++row) {
      const uint32_t col = kKeras[row / units] * units + row % units;
      const float want = k.dense[col];
      INFO("row " << row << " (Keras column " << col << ") w " << want);
      if (want == 0.f) {
        CHECK(w[row] == 0);
      } else {
        CHECK(std::abs(w[row]) == 127);
        // scale = fl(|w| / 127): q * scale is |w| within one rounding (2^-24 relative).
        CHECK(std::fabs(static_cast<double>(w[row]) * w_scale[row] - want) <= std::ldexp(std::fabs(want), -24));
      }
      CHECK(r_scale[row] == rk.scales[col]);
      for (uint32_t h = 0; h < units; ++h) CHECK(r[static_cast<size_t>(h) * rows + row] == rk.q[static_cast<size_t>(h) * rows + col]);
    }
    // Imported back: R stays the file's int8 (its scales are binary16); W, at scales
    // |w| / 127, is dequantised to float32 beside it, so the model stays int8 and computes
    // what the original computes up to W's one rounding.
    const Model back = RoundTrip(m);
    const Tensor& back_r = *back.layers[0].Find(TensorRole::kRecurrentKernel);
    const Tensor& back_k = *back.layers[0].Find(TensorRole::kKernel);
    CHECK(back_r.encoding == Encoding::kInt8);
    CHECK(back_r.q == rk.q);
    CHECK(back_r.scales == rk.scales);
    REQUIRE(back_k.encoding == Encoding::kF32);
    for (size_t i = 0; i < k.dense.size(); ++i)
      CHECK(std::fabs(back_k.dense[i] - k.dense[i]) <= std::ldexp(std::fabs(k.dense[i]), -24));
    CHECK(testing::Bytes(back).size() == testing::Bytes(m).size() + 2 * k.dense.size());  // W: f32, not f16
    const std::vector<float> sales = testing::RandomSales(30, 11);
    float ours = 0.f, theirs = 0.f;
    REQUIRE(Forecaster::Create(m).value().Forecast(sales.data(), sales.size(), 0, 1, &ours).ok());
    REQUIRE(Forecaster::Create(back).value().Forecast(sales.data(), sales.size(), 0, 1, &theirs).ok());
    CHECK(theirs == Approx(ours).epsilon(1e-5));
  }
  SECTION("several inputs (calendar): requantised per output channel, within scale / 2 of each weight") {
    Model m = testing::RandomModel(6, 30, 10, kCalendarDayOfWeek);
    Quantise(m.layers[0].Find(TensorRole::kRecurrentKernel));
    const Tensor& k = *m.layers[0].Find(TensorRole::kKernel);
    const Tensor q = QuantizeColumns(k, ScaleFormat::kFloat);
    REQUIRE(q.encoding == Encoding::kInt8);
    for (uint32_t c = 0; c < k.cols; ++c) {
      float amax = 0.f;
      for (uint32_t i = 0; i < k.rows; ++i) amax = std::max(amax, std::fabs(k.dense[i * k.cols + c]));
      CHECK(q.scales[c] == amax / 127.f);
      for (uint32_t i = 0; i < k.rows; ++i)
        CHECK(std::fabs(q.q[i * k.cols + c] * q.scales[c] - k.dense[i * k.cols + c]) <= 0.5f * q.scales[c] * (1 + 1e-6f));
    }
    const ModelProto proto = BuildOnnxModel(m).value();
    const NodeProto* lstm = FindOp(proto, "DynamicQuantizeLSTM");
    REQUIRE(lstm != nullptr);
    CHECK(Int8sOf(proto, lstm->inputs[1]).size() == 8u * 24u);  // [1, 8 inputs, 4 * 6]
  }
}

TEST_CASE("exports that have no ONNX form are refused", "[interop][onnx]") {
  Model m = testing::RandomModel(4, 30, 8);
  Quantise(m.layers[0].Find(TensorRole::kKernel));
  CHECK(ExportOnnx(m).status().message() ==
        "lstm0: kernel is int8 but the recurrent kernel is f32: DynamicQuantizeLSTM needs an int8 recurrent kernel "
        "and ONNX LSTM a float kernel");

  // Full-integer: activation scales beside int8 weights.
  Quantise(m.layers[0].Find(TensorRole::kRecurrentKernel));
  Tensor scales;
  scales.role = TensorRole::kActivationScales;
  scales.encoding = Encoding::kF32;
  scales.rows = 1;
  scales.cols = kActivationScaleCount;
  scales.dense = {1.f / 64, 1.f / 127, 4.f};
  m.layers[0].tensors.push_back(scales);
  REQUIRE(ValidateModel(m).ok());
  CHECK(ExportOnnx(m).status().message() ==
        "lstm0: full-integer LSTM (static activation scales, fixed-point gates and int16 cell): ONNX Runtime's "
        "DynamicQuantizeLSTM quantises x and h per call and computes the gates in float, which is a different "
        "model; export the dynamic-range int8 file instead");
}

TEST_CASE("the importer refuses what it cannot represent, naming the node and the reason", "[interop][onnx]") {
  const Model base = testing::RandomModel(4, 30, 9);
  const ModelProto good = BuildOnnxModel(base).value();

  ModelProto m = good;
  Node(m, "LSTM")->attributes.push_back({});
  Node(m, "LSTM")->attributes.back().name = "direction";
  Node(m, "LSTM")->attributes.back().type = kAttrString;
  Node(m, "LSTM")->attributes.back().s = "bidirectional";
  CHECK(ImportError(m) == "node 'lstm0' (LSTM): direction 'bidirectional': only forward LSTMs are supported");

  m = good;
  Node(m, "LSTM")->attributes.push_back({});
  Node(m, "LSTM")->attributes.back().name = "clip";
  Node(m, "LSTM")->attributes.back().type = kAttrFloat;
  CHECK(ImportError(m) == "node 'lstm0' (LSTM): cell clipping (attribute clip) is not supported");

  m = good;
  Node(m, "LSTM")->inputs.resize(8);
  Node(m, "LSTM")->inputs[7] = "norm_scale";
  CHECK(ImportError(m) == "node 'lstm0' (LSTM): peephole weights (input P) are not supported");

  m = good;
  Node(m, "LSTM")->inputs.resize(6);
  Node(m, "LSTM")->inputs[5] = "norm_scale";
  CHECK(ImportError(m) ==
        "node 'lstm0' (LSTM): initial_h ('norm_scale') must be zero: a forecaster starts every window from a zero state");

  m = good;
  Node(m, "LSTM")->outputs.push_back("c_last");
  Node(m, "Squeeze")->inputs[0] = "c_last";
  CHECK(ImportError(m) == "node 'last_hidden' (Squeeze): reads the LSTM's cell state Y_c: a forecaster's head reads the hidden state");

  ExportOptions core;
  core.graph = ExportGraph::kCore;
  m = BuildOnnxModel(base, core).value();
  Node(m, "LSTM")->outputs[0] = "all_steps";
  Node(m, "MatMul")->inputs[0] = "all_steps";
  CHECK(ImportError(m) ==
        "node 'dense1_matmul' (MatMul): the head reads every time step: only the last one (Y_h, or Y at step -1) is "
        "supported");

  m = good;
  Node(m, "Transpose")->op_type = "Softmax";
  CHECK(ImportError(m) ==
        "node 'time_major' (Softmax): is not supported between the graph input and the LSTM (supported: Transpose, "
        "Unsqueeze, Squeeze, Reshape, Identity, Cast, scalar Sub/Add/Mul/Div, window-mean ReduceMean)");

  m = good;
  Node(m, "Gemm")->op_type = "Loop";
  CHECK(ImportError(m) ==
        "node 'dense1' (Loop): is not supported after the LSTM (supported: Squeeze, Unsqueeze, Transpose, Reshape, "
        "Flatten, Gather/Slice of the last step, MatMul + Add or Gemm, Relu, Tanh, Sigmoid, scalar Mul/Add)");

  m = good;
  m.graph.inputs[0].dims[1].has_value = false;
  m.graph.inputs[0].dims[1].param = "days";
  CHECK(ImportError(m) == "graph input 'sales': its time axis 1 is symbolic ('days'): give the window length");
  ImportOptions window;
  window.window = 30;
  CHECK(ImportOnnxModel(m, window).ok());

  m = good;
  m.graph.outputs.push_back(m.graph.outputs[0]);
  CHECK(ImportError(m) == "the graph has 2 outputs: a forecaster has one, the next day's sales");

  m = good;
  Node(m, "LSTM")->attributes[0].i = 5;
  CHECK(ImportError(m) == "node 'lstm0' (LSTM): hidden_size 5 does not match R [1, 16, 4]");

  m = good;
  for (TensorProto& t : m.graph.initializers)
    if (t.name == "norm_scale") t.raw_data = std::string(8, '\0');
  CHECK(ImportError(m) == "initializer 'norm_scale': raw_data holds 8 bytes, FLOAT [] needs 4");

  m = good;
  Node(m, "Add")->inputs[1] = "norm_scale";  // y * scale + scale: not the inverse of (x - offset) / scale
  CHECK(ImportError(m) ==
        "the output de-normalisation y * 20 + 20 does not undo the input normalisation (x - 50) / 20");

  m = good;
  std::swap(m.graph.nodes[0], m.graph.nodes[1]);
  CHECK(ImportError(m) ==
        "node 'normalise_scale' (Div): input 'sales_centred' is not a graph input, an initializer or the output of an "
        "earlier node (nodes must be in topological order)");

  ImportOptions twice;
  twice.set_normalisation = true;
  CHECK(ImportError(good, twice) == "the graph normalises its input itself: do not give a normalisation as well");
}

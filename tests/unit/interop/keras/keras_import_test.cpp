// Keras import: the real Keras 2 file of the shared fixtures (when present), and files in
// the Keras 2 / Keras 3 layouts written by the tests (keras_test_files.h), whose imports
// must equal the models they were written from, forecast for forecast, bit for bit.
#include <catch2/catch.hpp>

#include <hdf5.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <random>
#include <set>

#include "interop/keras/keras_import.h"
#include "keras_test_files.h"
#include "lstm/forecaster.h"
#include "lstm/layer.h"

using namespace shelfcast;
using namespace shelfcast::keras;
using namespace shelfcast::testing;
using nlohmann::json;

namespace {

const std::string kFixture = std::string(SHELFCAST_SHARED_DIR) + "/fixtures/keras/keras2_lstm_layers.h5";

bool FixturePresent() {
  std::ifstream in(kFixture);
  if (in.good()) return true;
  WARN("skipped: the Keras 2 fixture is not at " << kFixture
                                                 << " (configure with -DSHELFCAST_SHARED_DIR=<folder holding "
                                                    "fixtures/keras>)");
  return false;
}

KerasFile Open(const std::string& path) {
  Result<KerasFile> f = OpenKerasFile(path);
  INFO(f.status().message());
  REQUIRE(f.ok());
  return std::move(f).value();
}

// The dataset read straight through libhdf5, independently of the importer.
std::vector<float> RawDataset(const std::string& file, const std::string& path) {
  hid_t f = H5Fopen(file.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  REQUIRE(f >= 0);
  hid_t d = H5Dopen2(f, path.c_str(), H5P_DEFAULT);
  REQUIRE(d >= 0);
  hid_t space = H5Dget_space(d);
  const hssize_t n = H5Sget_simple_extent_npoints(space);
  std::vector<float> v(static_cast<size_t>(n));
  REQUIRE(H5Dread(d, H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data()) >= 0);
  H5Sclose(space);
  H5Dclose(d);
  H5Fclose(f);
  return v;
}

const std::pair<std::string, std::string>* Setting(const KerasLayerInfo& l, const std::string& key) {
  for (const auto& s : l.settings)
    if (s.first == key) return &s;
  return nullptr;
}

std::string SettingValue(const KerasLayerInfo& l, const std::string& key) {
  const auto* s = Setting(l, key);
  return s ? s->second : "<absent>";
}

bool SameTensors(const Model& a, const Model& b) {
  if (a.layers.size() != b.layers.size()) return false;
  for (size_t i = 0; i < a.layers.size(); ++i) {
    const Layer& x = a.layers[i];
    const Layer& y = b.layers[i];
    if (x.kind != y.kind || x.inputs != y.inputs || x.units != y.units || x.activation != y.activation ||
        (x.kind == LayerKind::kLstm && x.recurrent_activation != y.recurrent_activation))
      return false;
    for (TensorRole role : {TensorRole::kKernel, TensorRole::kRecurrentKernel, TensorRole::kBias}) {
      const Tensor* s = x.Find(role);
      const Tensor* t = y.Find(role);
      if ((s == nullptr) != (t == nullptr)) return false;
      if (s && (s->rows != t->rows || s->cols != t->cols || s->dense != t->dense)) return false;
    }
  }
  return true;
}

// Forecasts of both models on the same windows, compared bit for bit.
void RequireSameForecasts(const Model& original, const Model& imported) {
  Result<Forecaster> a = Forecaster::Create(original);
  Result<Forecaster> b = Forecaster::Create(imported);
  REQUIRE(a.ok());
  REQUIRE(b.ok());
  std::mt19937 rng(5);
  std::uniform_real_distribution<float> u(0.f, 120.f);
  const DayNumber day = DaysFromCivil(2017, 6, 1);
  for (int w = 0; w < 4; ++w) {
    std::vector<float> window(original.window);
    for (float& v : window) v = std::round(u(rng));
    float fa[3], fb[3];
    REQUIRE(a->Forecast(window.data(), window.size(), day, 3, fa).ok());
    REQUIRE(b->Forecast(window.data(), window.size(), day, 3, fb).ok());
    for (int k = 0; k < 3; ++k) CHECK(fa[k] == fb[k]);
  }
}

struct Layout {
  const char* name;
  int keras_major;
  bool zip;
  bool functional;
};

const Layout kLayouts[] = {
    {"Keras 2 .h5 Sequential", 2, false, false}, {"Keras 2 .h5 functional", 2, false, true},
    {"Keras 3 .keras Sequential", 3, true, false}, {"Keras 3 .keras functional", 3, true, true},
    {"Keras 3 legacy .h5 Sequential", 3, false, false},
};

std::string Write(const std::string& dir, const std::string& stem, const Model& model, const Layout& layout,
                  KerasTestOptions options = {}) {
  options.keras_major = layout.keras_major;
  options.functional = layout.functional;
  const std::string path = dir + "/" + stem + (layout.zip ? ".keras" : ".h5");
  if (layout.zip) WriteKerasZip(path, model, options);
  else WriteKerasH5(path, model, options);
  return path;
}

Status ImportStatus(const std::string& path, const KerasImportOptions& options = {}) {
  Result<KerasFile> f = OpenKerasFile(path);
  if (!f.ok()) return f.status();
  Result<Model> m = ImportKeras(*f, options);
  return m.ok() ? Status::Ok() : m.status();
}

// The LSTM layer of the config (the first one) edited by `edit`.
std::function<void(json&)> EditLstm(std::function<void(json&)> edit) {
  return [edit](json& root) {
    for (json& l : root["config"]["layers"])
      if (l["class_name"] == "LSTM") {
        edit(l["config"]);
        return;
      }
  };
}

}  // namespace

// --- the real Keras 2 file --------------------------------------------------------------

TEST_CASE("keras fixture: lists the LSTM layers and their settings", "[interop][keras]") {
  if (!FixturePresent()) return;
  const KerasFile file = Open(kFixture);
  CHECK(file.keras_version == "2.2.5");
  CHECK(file.keras_major() == 2);
  Result<KerasModelInfo> info = InspectKeras(file);
  REQUIRE(info.ok());
  CHECK(info->model_class == "Model");
  CHECK(info->model_name == "test_model_lstm");
  CHECK(info->layers.size() == 20);
  std::set<std::string> lstm_names;
  for (const KerasLayerInfo& l : info->layers)
    if (l.class_name == "LSTM") lstm_names.insert(l.name);
  CHECK(lstm_names == std::set<std::string>{"lstm_1", "lstm_2", "lstm_3", "lstm_6", "lstm_8", "lstm_9", "lstm_10",
                                            "lstm_13", "lstm_15"});
  for (const KerasLayerInfo& l : info->layers) {
    if (l.name == "lstm_1") {
      CHECK(SettingValue(l, "units") == "8");
      CHECK(SettingValue(l, "recurrent_activation") == "relu");
      CHECK(SettingValue(l, "return_sequences") == "true");
      CHECK(SettingValue(l, "stateful") == "false");
      REQUIRE(l.weights.size() == 3);
      CHECK(l.weights[1].path == "/model_weights/lstm_1/lstm_1/kernel:0");
      CHECK(l.weights[1].dims == std::vector<uint64_t>{4, 32});
      CHECK(l.weights[1].type == "float32");
    }
    if (l.name == "lstm_15") {
      CHECK(SettingValue(l, "units") == "12");
      CHECK(SettingValue(l, "recurrent_activation") == "hard_sigmoid");
      CHECK(SettingValue(l, "return_state") == "true");
    }
    if (l.name == "bidirectional_2") {
      CHECK(SettingValue(l, "layer") == "LSTM");
      CHECK(SettingValue(l, "layer.recurrent_activation") == "linear");
      CHECK(l.weights.size() == 6);
    }
  }
}

TEST_CASE("keras fixture: the multi-input model is refused clearly", "[interop][keras]") {
  if (!FixturePresent()) return;
  const KerasFile file = Open(kFixture);
  Result<Model> model = ImportKeras(file, {});
  REQUIRE_FALSE(model.ok());
  CHECK(model.status().code() == StatusCode::kUnsupported);
  CHECK(model.status().message() ==
        "model 'test_model_lstm' has 5 inputs (input_1, input_2, input_3, input_4, input_5): shelfcast imports "
        "single-input forecasters [LSTM (1 or 2 stacked), optional Dense layers, Dense(1)]");
  Result<KerasModelInfo> info = InspectKeras(file);
  REQUIRE(info.ok());
  CHECK(info->importable.message() == model.status().message());
}

TEST_CASE("keras fixture: one LSTM layer's weights import exactly and run as Keras defines", "[interop][keras]") {
  if (!FixturePresent()) return;
  const KerasFile file = Open(kFixture);
  Result<Layer> layer = ImportKerasLstmLayer(file, "lstm_1");
  REQUIRE(layer.ok());
  CHECK(layer->inputs == 4);
  CHECK(layer->units == 8);
  CHECK(layer->recurrent_activation == Activation::kRelu);
  const Tensor& kernel = *layer->Find(TensorRole::kKernel);
  const Tensor& recurrent = *layer->Find(TensorRole::kRecurrentKernel);
  const Tensor& bias = *layer->Find(TensorRole::kBias);
  CHECK((kernel.rows == 4 && kernel.cols == 32));
  CHECK((recurrent.rows == 8 && recurrent.cols == 32));
  CHECK((bias.rows == 1 && bias.cols == 32));
  CHECK(kernel.dense == RawDataset(kFixture, "/model_weights/lstm_1/lstm_1/kernel:0"));
  CHECK(recurrent.dense == RawDataset(kFixture, "/model_weights/lstm_1/lstm_1/recurrent_kernel:0"));
  CHECK(bias.dense == RawDataset(kFixture, "/model_weights/lstm_1/lstm_1/bias:0"));

  // Run the imported layer over 17 steps (input_1's length) and compare with the Keras
  // formulas in double: relu gates, tanh cell. Float vs double with an unbounded relu
  // gate: 1e-4 relative.
  Result<std::unique_ptr<LstmLayerRunner>> runner = MakeLstmLayerRunner(*layer, KernelOptions{});
  REQUIRE(runner.ok());
  (*runner)->Reset(1);
  std::mt19937 rng(3);
  std::uniform_real_distribution<float> u(-1.f, 1.f);
  std::vector<double> h(8, 0.0), c(8, 0.0);
  for (int t = 0; t < 17; ++t) {
    float x[4];
    for (float& v : x) v = u(rng);
    (*runner)->Step(1, x, 4);
    std::vector<double> z(32);
    for (size_t j = 0; j < 32; ++j) {
      double acc = bias.dense[j];
      for (size_t k = 0; k < 4; ++k) acc += x[k] * kernel.dense[k * 32 + j];
      for (size_t k = 0; k < 8; ++k) acc += h[k] * recurrent.dense[k * 32 + j];
      z[j] = acc;
    }
    auto relu = [](double v) { return v > 0 ? v : 0.0; };
    for (size_t j = 0; j < 8; ++j) {
      c[j] = relu(z[8 + j]) * c[j] + relu(z[j]) * std::tanh(z[16 + j]);
      h[j] = relu(z[24 + j]) * std::tanh(c[j]);
    }
  }
  for (size_t j = 0; j < 8; ++j) CHECK((*runner)->h()[j] == Approx(h[j]).epsilon(1e-4).margin(1e-6));

  Result<Layer> hard = ImportKerasLstmLayer(file, "lstm_15");
  REQUIRE(hard.ok());
  CHECK(hard->recurrent_activation == Activation::kHardSigmoid);  // Keras 2.2.5: clamp(0.2 x + 0.5)
  CHECK(hard->inputs == 4);
  CHECK(hard->units == 12);
  CHECK(ImportKerasLstmLayer(file, "bidirectional_1").status().message() ==
        "layer 'bidirectional_1' (Bidirectional) is not an LSTM layer");
  CHECK(ImportKerasLstmLayer(file, "nope").status().message() == "no layer named 'nope' in the model config");
}

// --- files in the Keras layouts, written by the tests ------------------------------------

TEST_CASE("keras: LSTM + Dense(1) imports exactly from every layout", "[interop][keras]") {
  const std::string dir = TestTempDir("keras");
  for (const Layout& layout : kLayouts) {
    INFO(layout.name);
    Model original = RandomKerasModel({16}, {}, Activation::kSigmoid, 30, kCalendarNone, 1);
    const std::string path = Write(dir, "lstm16", original, layout);
    const KerasFile file = Open(path);
    Result<Model> imported = ImportKeras(file, {});
    INFO(imported.status().message());
    REQUIRE(imported.ok());
    CHECK(SameTensors(original, *imported));
    CHECK(imported->window == 30);  // from the input shape
    CHECK(imported->norm == NormKind::kGlobal);
    CHECK(imported->norm_offset == 0.f);
    CHECK(imported->norm_scale == 1.f);
    RequireSameForecasts(original, *imported);
  }
}

TEST_CASE("keras: 2 stacked LSTM + Dense(8, relu) + Dense(1) over calendar features imports exactly",
          "[interop][keras]") {
  const std::string dir = TestTempDir("keras");
  for (const Layout& layout : kLayouts) {
    for (uint8_t calendar : {uint8_t{kCalendarDayOfWeek}, uint8_t{kCalendarMonth},
                             uint8_t{kCalendarDayOfWeek | kCalendarMonth}}) {
      INFO(layout.name << " calendar=" << int(calendar));
      Model original = RandomKerasModel({12, 8}, {{8, Activation::kRelu}}, Activation::kSigmoid, 21, calendar, 2);
      original.norm_offset = 50.f;
      original.norm_scale = 20.f;
      KerasTestOptions options;
      // Keras 3 keys weights by class, not by name: custom names must not matter.
      if (layout.keras_major == 3) options.names = {"encoder", "decoder", "head", "out"};
      const std::string path = Write(dir, "stacked", original, layout, options);
      KerasImportOptions import;
      import.norm_offset = 50.f;
      import.norm_scale = 20.f;
      Result<Model> imported = ImportKeras(Open(path), import);
      INFO(imported.status().message());
      REQUIRE(imported.ok());
      CHECK(imported->calendar == calendar);
      CHECK(SameTensors(original, *imported));
      RequireSameForecasts(original, *imported);
    }
  }
}

TEST_CASE("keras: hard_sigmoid means clamp(0.2x + 0.5) in Keras 2 and relu6(x + 3) / 6 in Keras 3",
          "[interop][keras]") {
  const std::string dir = TestTempDir("keras");
  for (const Layout& layout : kLayouts) {
    INFO(layout.name);
    const Activation expected = layout.keras_major == 2 ? Activation::kHardSigmoid : Activation::kHardSigmoidRelu6;
    Model original = RandomKerasModel({8, 4}, {}, expected, 10, kCalendarNone, 3);
    const std::string path = Write(dir, "hard", original, layout);
    Result<Model> imported = ImportKeras(Open(path), {});
    REQUIRE(imported.ok());
    CHECK(imported->layers[0].recurrent_activation == expected);
    CHECK(imported->layers[1].recurrent_activation == expected);
    RequireSameForecasts(original, *imported);
  }
  // A file that does not say which Keras wrote it cannot tell the two apart.
  Model model = RandomKerasModel({4}, {}, Activation::kHardSigmoid, 10, kCalendarNone, 3);
  KerasTestOptions options;
  options.edit_weights = [](hid_t f) { H5Adelete(f, "keras_version"); };
  WriteKerasH5(dir + "/noversion.h5", model, options);
  CHECK(ImportStatus(dir + "/noversion.h5").message() ==
        "layer 'lstm_1' (LSTM): recurrent_activation=hard_sigmoid: Keras 2 and Keras 3 define hard_sigmoid "
        "differently and the file does not say which Keras saved it");
}

TEST_CASE("keras: window and normalisation come from the options", "[interop][keras]") {
  const std::string dir = TestTempDir("keras");
  Model original = RandomKerasModel({4}, {}, Activation::kSigmoid, 30, kCalendarNone, 4);
  const std::string path = Write(dir, "opts", original, kLayouts[0]);
  KerasImportOptions options;
  options.norm = NormKind::kWindowMean;
  options.horizon = 7;
  Result<Model> m = ImportKeras(Open(path), options);
  REQUIRE(m.ok());
  CHECK(m->norm == NormKind::kWindowMean);
  CHECK(m->norm_offset == 1.f);  // the window-mean default
  CHECK(m->horizon == 7);
  options.window = 20;
  CHECK(ImportStatus(path, options).message() ==
        "window 20 contradicts the model's input length 30 (input shape [null,30,1])");

  // No fixed length in the input shape: the window is the option's, or 30.
  KerasTestOptions any_length;
  any_length.edit_config = [](json& root) { root["config"]["layers"][0]["config"]["batch_input_shape"][1] = nullptr; };
  Model short_model = original;
  short_model.window = 12;
  const std::string open_path = dir + "/open.h5";
  WriteKerasH5(open_path, short_model, any_length);
  Result<Model> defaulted = ImportKeras(Open(open_path), {});
  REQUIRE(defaulted.ok());
  CHECK(defaulted->window == kDefaultKerasWindow);
  options = {};
  options.window = 12;
  Result<Model> chosen = ImportKeras(Open(open_path), options);
  REQUIRE(chosen.ok());
  CHECK(chosen->window == 12);
}

TEST_CASE("keras: settings shelfcast cannot run exactly are refused, naming layer and setting",
          "[interop][keras]") {
  const std::string dir = TestTempDir("keras");
  const Model base = RandomKerasModel({4}, {{3, Activation::kTanh}}, Activation::kSigmoid, 10, kCalendarNone, 5);
  struct Case {
    std::function<void(json&)> edit;
    std::string message;
  };
  const Case cases[] = {
      {EditLstm([](json& c) { c["stateful"] = true; }),
       "layer 'lstm_1' (LSTM): stateful=true is not supported: shelfcast starts every window from a zero state "
       "(its streaming API carries state between calls instead)"},
      {EditLstm([](json& c) { c["go_backwards"] = true; }),
       "layer 'lstm_1' (LSTM): go_backwards=true is not supported: shelfcast reads windows oldest day first"},
      {EditLstm([](json& c) { c["return_state"] = true; }),
       "layer 'lstm_1' (LSTM): return_state=true is not supported: the forecaster uses only the layer's output"},
      {EditLstm([](json& c) { c["time_major"] = true; }),
       "layer 'lstm_1' (LSTM): time_major=true is not supported: shelfcast feeds [batch, time, features]"},
      {EditLstm([](json& c) { c["return_sequences"] = true; }),
       "layer 'lstm_1' (LSTM): return_sequences=true on the last LSTM layer is not supported: the Dense layers "
       "would run on every time step, shelfcast forecasts from the last step"},
      {EditLstm([](json& c) { c["recurrent_activation"] = "linear"; }),
       "layer 'lstm_1' (LSTM): recurrent_activation=linear is not supported (sigmoid, hard_sigmoid or relu)"},
      {EditLstm([](json& c) { c["activation"] = "relu"; }),
       "layer 'lstm_1' (LSTM): activation=relu is not supported (shelfcast's LSTM cell uses tanh)"},
      {EditLstm([](json& c) { c["dtype"] = "mixed_float16"; }),
       "layer 'lstm_1' (LSTM): dtype=mixed_float16 is not supported: shelfcast computes in float32 and imports only "
       "what it runs exactly"},
      {EditLstm([](json& c) { c["units"] = 4096; }), "layer 'lstm_1' (LSTM): units=4096 is outside 1..512"},
      {[](json& root) { root["config"]["layers"][1]["config"]["activation"] = "softmax"; },
       "layer 'dense_1' (Dense): activation=softmax is not supported (linear, relu, sigmoid or tanh)"},
      {[](json& root) { root["config"]["layers"][2]["config"]["activation"] = "relu"; },
       "layer 'dense_2' (Dense): the output layer must be Dense(1) with linear activation, found Dense(1, relu)"},
      {[](json& root) { root["config"]["layers"][0]["class_name"] = "GRU"; },
       "layer 'lstm_1' (GRU) is not supported: shelfcast imports single-input forecasters [LSTM (1 or 2 stacked), "
       "optional Dense layers, Dense(1)]"},
      {[](json& root) { std::swap(root["config"]["layers"][0], root["config"]["layers"][1]); },
       "layer 'dense_1' (Dense) comes before any LSTM layer: shelfcast imports single-input forecasters [LSTM (1 or "
       "2 stacked), optional Dense layers, Dense(1)]"},
      {[](json& root) { root["config"]["layers"][0]["config"]["batch_input_shape"] = {nullptr, 10, 5}; },
       "layer 'lstm_1' (LSTM): takes 5 input features per step; shelfcast feeds 1 (sales), 8 (sales + weekday "
       "one-hot), 13 (sales + month one-hot) or 20 (sales + weekday + month one-hots)"},
      {[](json& root) { root["config"]["layers"][0]["config"]["batch_input_shape"] = {nullptr, 10}; },
       "layer 'lstm_1' (LSTM): input shape [null,10] is not [batch, time steps, features]"},
      {[](json& root) { root["class_name"] = "MyModel"; },
       "model class 'MyModel' is not supported: shelfcast imports single-input forecasters [LSTM (1 or 2 stacked), "
       "optional Dense layers, Dense(1)]"},
  };
  for (const Case& c : cases) {
    KerasTestOptions options;
    options.edit_config = c.edit;
    WriteKerasH5(dir + "/refuse.h5", base, options);
    CHECK(ImportStatus(dir + "/refuse.h5").message() == c.message);
  }
  // Dropout layers are the identity at inference: accepted and skipped.
  KerasTestOptions dropout;
  dropout.edit_config = [](json& root) {
    json& layers = root["config"]["layers"];
    layers.insert(layers.begin() + 1, json{{"class_name", "Dropout"}, {"config", {{"name", "dropout_1"}, {"rate", 0.2}}}});
  };
  WriteKerasH5(dir + "/dropout.h5", base, dropout);
  CHECK(ImportStatus(dir + "/dropout.h5").ok());

  const Model three = RandomKerasModel({4, 4, 4}, {}, Activation::kSigmoid, 10, kCalendarNone, 6);
  WriteKerasH5(dir + "/three.h5", three, {});
  CHECK(ImportStatus(dir + "/three.h5").message() == "model 'sequential_1' stacks 3 LSTM layers: shelfcast runs at most 2");
}

TEST_CASE("keras: weights are checked before they are read, naming the path in the file", "[interop][keras]") {
  const std::string dir = TestTempDir("keras");
  const Model base = RandomKerasModel({4}, {}, Activation::kSigmoid, 10, kCalendarNone, 7);
  const std::string kernel = "/model_weights/lstm_1/lstm_1/kernel:0";
  auto replace_kernel = [&](std::function<void(hid_t)> write) {
    return [kernel, write](hid_t f) {
      REQUIRE(H5Ldelete(f, kernel.c_str(), H5P_DEFAULT) >= 0);
      write(f);
    };
  };
  struct Case {
    std::function<void(hid_t)> edit;
    std::string message;
  };
  const Case cases[] = {
      {replace_kernel([&](hid_t f) {
         const hsize_t dims[2] = {1, 16};
         hid_t space = H5Screate_simple(2, dims, nullptr);
         std::vector<double> v(16, 0.5);
         hid_t d = H5Dcreate2(f, kernel.c_str(), H5T_IEEE_F64LE, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
         H5Dwrite(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data());
         H5Dclose(d);
         H5Sclose(space);
       }),
       kernel + ": is float64; shelfcast runs float32 weights and imports only what it runs exactly"},
      {replace_kernel([&](hid_t f) { WriteFloatDataset(f, kernel, {2, 8}, std::vector<float>(16, 0.f)); }),
       kernel + ": shape 2x8, expected 1x16 (inputs x 4*units)"},
      {replace_kernel([&](hid_t f) { WriteFloatDataset(f, kernel, {16}, std::vector<float>(16, 0.f)); }),
       kernel + ": has shape 16, expected rank 2"},
      {replace_kernel([&](hid_t f) {
         std::vector<float> v(16, 0.f);
         v[3] = std::nanf("");
         WriteFloatDataset(f, kernel, {1, 16}, v);
       }),
       kernel + ": value 3 is not a finite number"},
      {replace_kernel([&](hid_t f) {
         H5Lcreate_soft("/model_weights/lstm_1/lstm_1/bias:0", f, kernel.c_str(), H5P_DEFAULT, H5P_DEFAULT);
       }),
       kernel + ": is a soft or external link; shelfcast reads only plain groups and datasets"},
      {replace_kernel([&](hid_t f) {
         H5Lcreate_external("/etc/some-other.h5", "/data", f, kernel.c_str(), H5P_DEFAULT, H5P_DEFAULT);
       }),
       kernel + ": is a soft or external link; shelfcast reads only plain groups and datasets"},
      {[](hid_t f) { H5Ldelete(f, "/model_weights/dense_1", H5P_DEFAULT); },
       "/model_weights/dense_1: not found (the weights of layer 'dense_1' (Dense))"},
      {[](hid_t f) { H5Adelete_by_name(f, "/model_weights/lstm_1", "weight_names", H5P_DEFAULT); },
       "/model_weights/lstm_1/@weight_names: attribute not found"},
  };
  for (const Case& c : cases) {
    KerasTestOptions options;
    options.edit_weights = c.edit;
    WriteKerasH5(dir + "/weights.h5", base, options);
    CHECK(ImportStatus(dir + "/weights.h5").message() == c.message);
  }
  // .keras: a vars group with an extra variable (a LoRA or quantized layer) is refused.
  KerasTestOptions extra;
  extra.keras_major = 3;
  extra.edit_weights = [](hid_t f) {
    hid_t g = H5Gopen2(f, "/layers/lstm/cell/vars", H5P_DEFAULT);
    WriteFloatDataset(g, "3", {1}, {0.f});
    H5Gclose(g);
  };
  WriteKerasZip(dir + "/extra.keras", base, extra);
  CHECK(ImportStatus(dir + "/extra.keras").message() ==
        "/layers/lstm/cell/vars: holds 4 variables (0, 1, 2, 3), layer 'lstm' (LSTM) has 3 (kernel, "
        "recurrent_kernel, bias)");
}

TEST_CASE("keras: files that are not Keras models are refused", "[interop][keras]") {
  const std::string dir = TestTempDir("keras");
  auto write = [&](const std::string& name, const std::string& bytes) {
    std::ofstream(dir + "/" + name, std::ios::binary) << bytes;
    return dir + "/" + name;
  };
  CHECK(OpenKerasFile(write("text.h5", "hello")).status().message() ==
        "not a Keras model file: neither HDF5 (.h5) nor a zip (.keras)");
  CHECK(OpenKerasFile(write("zip.keras", std::string("PK\x03\x04", 4) + "garbage")).status().message().rfind(
            "not a readable .keras zip (", 0) == 0);
  CHECK(OpenKerasFile(write("trunc.h5", std::string("\x89HDF\r\n\x1a\n", 8) + std::string(100, '\0')))
            .status()
            .message() == "libhdf5 cannot open the file (corrupt or truncated HDF5)");
  CHECK(OpenKerasFile(dir + "/missing.h5").status().code() == StatusCode::kIo);

  // An HDF5 file without model_config: weights only.
  hid_t f = H5Fcreate((dir + "/weights-only.h5").c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  H5Gclose(H5Gcreate2(f, "/model_weights", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
  H5Fclose(f);
  CHECK(OpenKerasFile(dir + "/weights-only.h5").status().message() ==
        "/@model_config: attribute not found: this is a weights-only file (save_weights); shelfcast needs the whole "
        "model (model.save)");

  // A config nested deep enough to exhaust a recursive parser's stack.
  const Model base = RandomKerasModel({4}, {}, Activation::kSigmoid, 10, kCalendarNone, 8);
  KerasTestOptions deep;
  deep.edit_weights = [](hid_t file) {
    H5Adelete(file, "model_config");
    WriteStringAttribute(file, "model_config", std::string(100000, '[') + std::string(100000, ']'));
  };
  WriteKerasH5(dir + "/deep.h5", base, deep);
  CHECK(ImportStatus(dir + "/deep.h5").message() == "model config nests deeper than 64 levels");
  KerasTestOptions not_json;
  not_json.edit_weights = [](hid_t file) {
    H5Adelete(file, "model_config");
    WriteStringAttribute(file, "model_config", "{\"class_name\": ");
  };
  WriteKerasH5(dir + "/notjson.h5", base, not_json);
  CHECK(ImportStatus(dir + "/notjson.h5").message() == "model config is not a JSON object");
}

TEST_CASE("keras: use_bias=false imports as a zero bias", "[interop][keras]") {
  const std::string dir = TestTempDir("keras");
  Model original = RandomKerasModel({6}, {{3, Activation::kSigmoid}}, Activation::kSigmoid, 10, kCalendarNone, 9);
  KerasTestOptions options;
  options.keras_major = 3;
  options.edit_config = [](json& root) {
    for (json& l : root["config"]["layers"])
      if (l["class_name"] == "LSTM" || l["config"]["name"] == "dense") l["config"]["use_bias"] = false;
  };
  options.edit_weights = [](hid_t f) {
    REQUIRE(H5Ldelete(f, "/layers/lstm/cell/vars/2", H5P_DEFAULT) >= 0);
    REQUIRE(H5Ldelete(f, "/layers/dense/vars/1", H5P_DEFAULT) >= 0);
  };
  WriteKerasZip(dir + "/nobias.keras", original, options);
  Result<Model> imported = ImportKeras(Open(dir + "/nobias.keras"), {});
  INFO(imported.status().message());
  REQUIRE(imported.ok());
  for (size_t li : {0u, 1u}) {
    std::vector<float>& bias = original.layers[li].Find(TensorRole::kBias)->dense;
    std::fill(bias.begin(), bias.end(), 0.f);
  }
  CHECK(SameTensors(original, *imported));
  RequireSameForecasts(original, *imported);
}

TEST_CASE("keras: weight keys follow Keras' to_snake_case", "[interop][keras]") {
  // Expected values printed by Keras' own three re.sub calls (keras/src/utils/naming.py).
  const std::pair<const char*, const char*> cases[] = {
      {"LSTM", "lstm"}, {"InputLayer", "input_layer"}, {"Conv1D", "conv1d"}, {"Dense", "dense"},
      {"LSTMCell", "lstm_cell"}, {"ABCDef", "abc_def"}, {"SimpleRNN", "simple_rnn"},
      {"MultiHeadAttention", "multi_head_attention"}, {"My-Layer2x", "my_layer2x"}, {"aBcDeF", "a_bc_de_f"},
      {"HTTPServerX", "http_server_x"},
  };
  for (const auto& [in, out] : cases) CHECK(KerasSnakeCase(in) == out);
}

#include "keras_test_files.h"

#include <zip.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <map>
#include <random>
#include <stdexcept>

#include <unistd.h>

namespace shelfcast::testing {
namespace {

using json = nlohmann::json;

void Ok(bool ok, const std::string& what) {
  if (!ok) throw std::runtime_error("writing a Keras test file: " + what);
}

const char* KerasActivationName(Activation a) {
  switch (a) {
    case Activation::kLinear: return "linear";
    case Activation::kSigmoid: return "sigmoid";
    case Activation::kTanh: return "tanh";
    case Activation::kRelu: return "relu";
    case Activation::kHardSigmoid:
    case Activation::kHardSigmoidRelu6: return "hard_sigmoid";
  }
  return "linear";
}

json DtypePolicy(int keras_major) {
  if (keras_major < 3) return "float32";
  return {{"module", "keras"}, {"class_name", "DTypePolicy"}, {"config", {{"name", "float32"}}}, {"registered_name", nullptr}};
}

json Shape3(uint32_t t, uint32_t f) { return json::array({nullptr, t, f}); }

struct Names {
  std::vector<std::string> layers;  // one per model layer
  std::string input = "input_1";
  std::string model = "sequential_1";
};

Names LayerNames(const Model& model, const KerasTestOptions& o) {
  Names n;
  const bool k3 = o.keras_major >= 3;
  n.input = k3 ? "input_layer" : "input_1";
  n.model = o.functional ? (k3 ? "functional" : "model_1") : (k3 ? "sequential" : "sequential_1");
  std::map<std::string, int> count;
  for (size_t i = 0; i < model.layers.size(); ++i) {
    if (i < o.names.size()) {
      n.layers.push_back(o.names[i]);
      continue;
    }
    const std::string base = model.layers[i].kind == LayerKind::kLstm ? "lstm" : "dense";
    const int c = count[base]++;
    // Keras 2 numbers from 1 (lstm_1), Keras 3 starts unnumbered (lstm, lstm_1).
    n.layers.push_back(k3 ? (c == 0 ? base : base + "_" + std::to_string(c)) : base + "_" + std::to_string(c + 1));
  }
  return n;
}

size_t LstmCount(const Model& m) {
  size_t n = 0;
  for (const Layer& l : m.layers) n += l.kind == LayerKind::kLstm;
  return n;
}

json LayerConfig(const Model& model, size_t i, const std::string& name, const KerasTestOptions& o) {
  const Layer& l = model.layers[i];
  json c = {{"name", name}, {"trainable", true}, {"dtype", DtypePolicy(o.keras_major)}};
  if (l.kind == LayerKind::kLstm) {
    c["return_sequences"] = i + 1 < LstmCount(model);
    c["return_state"] = false;
    c["go_backwards"] = false;
    c["stateful"] = false;
    c["unroll"] = false;
    if (o.keras_major >= 3) c["zero_output_for_mask"] = false;
    c["units"] = l.units;
    c["activation"] = "tanh";
    c["recurrent_activation"] = KerasActivationName(l.recurrent_activation);
    c["use_bias"] = true;
    c["kernel_initializer"] = {{"class_name", "GlorotUniform"}, {"config", {{"seed", nullptr}}}};
    c["recurrent_initializer"] = {{"class_name", "Orthogonal"}, {"config", {{"gain", 1.0}, {"seed", nullptr}}}};
    c["bias_initializer"] = {{"class_name", "Zeros"}, {"config", json::object()}};
    c["unit_forget_bias"] = true;
    c["kernel_regularizer"] = nullptr;
    c["dropout"] = 0.1;  // ignored at inference
    c["recurrent_dropout"] = 0.0;
    if (o.keras_major >= 3) c["seed"] = nullptr;
    else c["implementation"] = 2;
  } else {
    c["units"] = l.units;
    c["activation"] = KerasActivationName(l.activation);
    c["use_bias"] = true;
    c["kernel_initializer"] = {{"class_name", "GlorotUniform"}, {"config", {{"seed", nullptr}}}};
    c["bias_initializer"] = {{"class_name", "Zeros"}, {"config", json::object()}};
    if (o.keras_major >= 3) c["lora_rank"] = nullptr;
  }
  return c;
}

json Keras3Tensor(const std::string& from, const json& shape) {
  return {{"class_name", "__keras_tensor__"},
          {"config", {{"shape", shape}, {"dtype", "float32"}, {"keras_history", json::array({from, 0, 0})}}}};
}

std::string Read(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  Ok(in.good(), "cannot read " + path);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

void WriteFixedStringListAttribute(hid_t obj, const std::string& name, const std::vector<std::string>& values) {
  if (values.empty()) {
    // h5py writes an empty list as an empty float64 array.
    const hsize_t zero = 0;
    hid_t space = H5Screate_simple(1, &zero, nullptr);
    hid_t attr = H5Acreate2(obj, name.c_str(), H5T_IEEE_F64LE, space, H5P_DEFAULT, H5P_DEFAULT);
    Ok(attr >= 0, "attribute " + name);
    H5Aclose(attr);
    H5Sclose(space);
    return;
  }
  size_t width = 1;
  for (const std::string& v : values) width = std::max(width, v.size());
  std::vector<char> buf(values.size() * width, '\0');
  for (size_t i = 0; i < values.size(); ++i) std::copy(values[i].begin(), values[i].end(), buf.begin() + i * width);
  hid_t type = H5Tcopy(H5T_C_S1);
  H5Tset_size(type, width);
  H5Tset_strpad(type, H5T_STR_NULLPAD);
  const hsize_t n = values.size();
  hid_t space = H5Screate_simple(1, &n, nullptr);
  hid_t attr = H5Acreate2(obj, name.c_str(), type, space, H5P_DEFAULT, H5P_DEFAULT);
  Ok(attr >= 0 && H5Awrite(attr, type, buf.data()) >= 0, "attribute " + name);
  H5Aclose(attr);
  H5Sclose(space);
  H5Tclose(type);
}

// Opens the group at path, creating it and any missing parents.
hid_t MakeGroups(hid_t file, const std::string& path) {
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);  // H5Lexists on a missing parent is an error: quietly
  if (H5Lexists(file, path.c_str(), H5P_DEFAULT) > 0) return H5Gopen2(file, path.c_str(), H5P_DEFAULT);
  hid_t lcpl = H5Pcreate(H5P_LINK_CREATE);
  H5Pset_create_intermediate_group(lcpl, 1);
  hid_t g = H5Gcreate2(file, path.c_str(), lcpl, H5P_DEFAULT, H5P_DEFAULT);
  H5Pclose(lcpl);
  Ok(g >= 0, "group " + path);
  return g;
}

std::vector<hsize_t> DimsOf(const Tensor& t) {
  if (t.role == TensorRole::kBias) return {t.cols};  // Keras biases are vectors
  return {t.rows, t.cols};
}

}  // namespace

Model RandomKerasModel(const std::vector<uint32_t>& lstm_units,
                       const std::vector<std::pair<uint32_t, Activation>>& dense, Activation recurrent,
                       uint32_t window, uint8_t calendar, uint32_t seed) {
  Model model;
  model.window = window;
  model.calendar = calendar;
  uint32_t inputs = model.input_features();
  for (uint32_t u : lstm_units) {
    model.layers.push_back(MakeLstmLayer(inputs, u, recurrent));
    inputs = u;
  }
  for (const auto& [units, act] : dense) {
    model.layers.push_back(MakeDenseLayer(inputs, units, act));
    inputs = units;
  }
  model.layers.push_back(MakeDenseLayer(inputs, 1, Activation::kLinear));
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> u(-0.4f, 0.4f);
  for (Layer& layer : model.layers)
    for (Tensor& t : layer.tensors)
      for (float& v : t.dense) v = u(rng);
  return model;
}

json KerasConfig(const Model& model, const KerasTestOptions& o) {
  const Names n = LayerNames(model, o);
  const bool k3 = o.keras_major >= 3;
  const json input_shape = Shape3(model.window, model.input_features());
  json layers = json::array();
  auto wrap = [&](const std::string& cls, json config, const std::string& name, const json& inbound) {
    json l = {{"class_name", cls}, {"config", std::move(config)}};
    if (k3) {
      l["module"] = "keras.layers";
      l["registered_name"] = nullptr;
    }
    if (o.functional) {
      l["name"] = name;
      l["inbound_nodes"] = inbound;
    }
    return l;
  };
  const bool input_layer = o.functional || k3;
  if (input_layer) {
    json c = {{"dtype", "float32"}, {"sparse", false}, {"name", n.input}};
    c[k3 ? "batch_shape" : "batch_input_shape"] = input_shape;
    layers.push_back(wrap("InputLayer", c, n.input, json::array()));
  }
  std::string previous = n.input;
  for (size_t i = 0; i < model.layers.size(); ++i) {
    json c = LayerConfig(model, i, n.layers[i], o);
    if (!input_layer && i == 0) c["batch_input_shape"] = input_shape;
    json inbound;
    if (k3) {
      inbound = json::array({{{"args", json::array({Keras3Tensor(previous, input_shape)})},
                              {"kwargs", {{"training", false}}}}});
    } else {
      inbound = json::array({json::array({json::array({previous, 0, 0, json::object()})})});
    }
    json l = wrap(model.layers[i].kind == LayerKind::kLstm ? "LSTM" : "Dense", c, n.layers[i], inbound);
    if (k3) l["build_config"] = {{"input_shape", input_shape}};
    layers.push_back(l);
    previous = n.layers[i];
  }
  json config = {{"name", n.model}, {"layers", layers}};
  if (o.functional) {
    // Keras 3 writes a single input or output as a flat [name, node, tensor].
    config["input_layers"] = k3 ? json::array({n.input, 0, 0}) : json::array({json::array({n.input, 0, 0})});
    config["output_layers"] = json::array({json::array({previous, 0, 0})});
  }
  if (k3) {
    config["trainable"] = true;
    config["dtype"] = DtypePolicy(3);
    if (!o.functional) config["build_input_shape"] = input_shape;
  }
  json root = {{"class_name", o.functional ? (k3 ? "Functional" : "Model") : "Sequential"}, {"config", config}};
  if (k3) {
    root["module"] = o.functional ? "keras.src.models.functional" : "keras";
    root["registered_name"] = nullptr;
  }
  if (o.edit_config) o.edit_config(root);
  return root;
}

void WriteFloatDataset(hid_t loc, const std::string& name, const std::vector<hsize_t>& dims,
                       const std::vector<float>& values) {
  hid_t space = H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr);
  hid_t ds = H5Dcreate2(loc, name.c_str(), H5T_IEEE_F32LE, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  Ok(ds >= 0 && H5Dwrite(ds, H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()) >= 0, "dataset " + name);
  H5Dclose(ds);
  H5Sclose(space);
}

void WriteStringAttribute(hid_t obj, const std::string& name, const std::string& value) {
  hid_t type = H5Tcopy(H5T_C_S1);
  H5Tset_size(type, H5T_VARIABLE);
  hid_t space = H5Screate(H5S_SCALAR);
  hid_t attr = H5Acreate2(obj, name.c_str(), type, space, H5P_DEFAULT, H5P_DEFAULT);
  const char* p = value.c_str();
  Ok(attr >= 0 && H5Awrite(attr, type, &p) >= 0, "attribute " + name);
  H5Aclose(attr);
  H5Sclose(space);
  H5Tclose(type);
}

void WriteKerasH5(const std::string& path, const Model& model, const KerasTestOptions& o) {
  const Names n = LayerNames(model, o);
  const bool k3 = o.keras_major >= 3;
  const std::string version = k3 ? "3.5.0" : "2.2.5";
  hid_t file = H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  Ok(file >= 0, "create " + path);
  WriteStringAttribute(file, "keras_version", version);
  WriteStringAttribute(file, "backend", "tensorflow");
  WriteStringAttribute(file, "model_config", KerasConfig(model, o).dump());
  hid_t weights = MakeGroups(file, "/model_weights");
  WriteStringAttribute(weights, "keras_version", version);
  WriteStringAttribute(weights, "backend", "tensorflow");
  std::vector<std::string> layer_names;
  if (o.functional) layer_names.push_back(n.input);
  layer_names.insert(layer_names.end(), n.layers.begin(), n.layers.end());
  WriteFixedStringListAttribute(weights, "layer_names", layer_names);
  if (o.functional) {
    hid_t g = MakeGroups(file, "/model_weights/" + n.input);
    WriteFixedStringListAttribute(g, "weight_names", {});
    H5Gclose(g);
  }
  for (size_t i = 0; i < model.layers.size(); ++i) {
    const Layer& l = model.layers[i];
    const std::string& name = n.layers[i];
    hid_t g = MakeGroups(file, "/model_weights/" + name);
    std::vector<std::string> weight_names;
    for (const Tensor& t : l.tensors) {
      const char* role = t.role == TensorRole::kKernel ? "kernel"
                         : t.role == TensorRole::kRecurrentKernel ? "recurrent_kernel" : "bias";
      // Keras 2: "<layer>/kernel:0"; Keras 3 legacy h5: the variable path "<model>/<layer>/<cell>/kernel".
      const std::string wname = k3 ? n.model + "/" + name + (l.kind == LayerKind::kLstm ? "/lstm_cell/" : "/") + role
                                   : name + "/" + role + ":0";
      weight_names.push_back(wname);
      const std::string full = "/model_weights/" + name + "/" + wname;
      hid_t parent = MakeGroups(file, full.substr(0, full.rfind('/')));
      WriteFloatDataset(parent, full.substr(full.rfind('/') + 1), DimsOf(t), t.dense);
      H5Gclose(parent);
    }
    WriteFixedStringListAttribute(g, "weight_names", weight_names);
    H5Gclose(g);
  }
  H5Gclose(weights);
  if (o.edit_weights) o.edit_weights(file);
  H5Fclose(file);
}

void WriteKerasZip(const std::string& path, const Model& model, const KerasTestOptions& o) {
  const std::string h5_path = path + ".weights.h5";
  hid_t file = H5Fcreate(h5_path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  Ok(file >= 0, "create " + h5_path);
  // Keras 3 gives every saveable a (mostly empty) vars group; the weights of the layers sit
  // under the snake-cased class name with a per-class counter, not under the layer's name.
  H5Gclose(MakeGroups(file, "/vars"));
  H5Gclose(MakeGroups(file, "/layers/input_layer/vars"));
  std::map<std::string, int> count;
  for (const Layer& l : model.layers) {
    const std::string base = l.kind == LayerKind::kLstm ? "lstm" : "dense";
    const int c = count[base]++;
    const std::string key = "/layers/" + (c == 0 ? base : base + "_" + std::to_string(c));
    H5Gclose(MakeGroups(file, key + "/vars"));
    hid_t vars = l.kind == LayerKind::kLstm ? MakeGroups(file, key + "/cell/vars")
                                            : H5Gopen2(file, (key + "/vars").c_str(), H5P_DEFAULT);
    int index = 0;
    for (const Tensor& t : l.tensors) WriteFloatDataset(vars, std::to_string(index++), DimsOf(t), t.dense);
    H5Gclose(vars);
  }
  H5Gclose(MakeGroups(file, "/optimizer/vars"));
  if (o.edit_weights) o.edit_weights(file);
  H5Fclose(file);

  const std::string config = KerasConfig(model, o).dump();
  const std::string metadata = R"({"keras_version": "3.5.0", "date_saved": "2025-01-01@00:00:00"})";
  const std::string weights = Read(h5_path);
  std::remove(h5_path.c_str());
  int error = 0;
  zip_t* zip = zip_open(path.c_str(), ZIP_CREATE | ZIP_TRUNCATE, &error);
  Ok(zip != nullptr, "create " + path);
  for (const auto& [name, data] : {std::pair<const char*, const std::string*>{"metadata.json", &metadata},
                                   {"config.json", &config},
                                   {"model.weights.h5", &weights}}) {
    zip_source_t* src = zip_source_buffer(zip, data->data(), data->size(), 0);
    Ok(src != nullptr && zip_file_add(zip, name, src, ZIP_FL_OVERWRITE) >= 0, std::string("zip member ") + name);
  }
  Ok(zip_close(zip) == 0, "close " + path);
}

std::string TestTempDir(const std::string& tag) {
  std::string pattern = "/tmp/shelfcast-" + tag + "-XXXXXX";
  Ok(mkdtemp(&pattern[0]) != nullptr, "mkdtemp");
  return pattern;
}

}  // namespace shelfcast::testing

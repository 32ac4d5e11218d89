#include "interop/keras/keras_import.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <map>

#include <nlohmann/json.hpp>

#include "core/limits.h"
#include "format/reader.h"

namespace shelfcast::keras {
namespace {

using json = nlohmann::json;

const char* const kWhatWeImport =
    "shelfcast imports single-input forecasters [LSTM (1 or 2 stacked), optional Dense layers, Dense(1)]";

// nlohmann's parser recurses once per nesting level: refuse deep nesting before parsing,
// so a hostile config cannot exhaust the stack. Keras configs nest about 10 deep.
constexpr int kMaxJsonDepth = 64;

bool JsonDepthWithin(const std::string& text, int max_depth) {
  int depth = 0;
  bool in_string = false, escaped = false;
  for (char c : text) {
    if (in_string) {
      if (escaped) escaped = false;
      else if (c == '\\') escaped = true;
      else if (c == '"') in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > max_depth) return false;
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return true;
}

const json* Member(const json& object, const char* key) {
  if (!object.is_object()) return nullptr;
  const auto it = object.find(key);
  return it == object.end() ? nullptr : &*it;
}

std::string Compact(const json& v) {
  if (v.is_string()) return v.get_ref<const std::string&>();
  return v.dump(-1, ' ', false, json::error_handler_t::replace);
}

struct ParsedLayer {
  std::string name;
  std::string class_name;
  json config;
  std::vector<std::string> inbound;  // layers feeding it (functional models)
  size_t inbound_nodes = 0;          // how many times the layer is called
  std::string weights_key;           // .keras: lstm, lstm_1, dense, ...
};

struct ParsedModel {
  std::string class_name;
  std::string name;
  bool functional = false;
  std::vector<std::string> inputs;
  std::vector<std::string> outputs;
  std::vector<ParsedLayer> layers;
  const json* build_input_shape = nullptr;
  json root;
};

std::string Describe(const ParsedLayer& l) { return "layer '" + l.name + "' (" + l.class_name + ")"; }

// ["name", 0, 0] or [["name", 0, 0], ...] -> names.
std::vector<std::string> NodeNames(const json* v) {
  std::vector<std::string> names;
  if (v == nullptr || !v->is_array() || v->empty()) return names;
  if ((*v)[0].is_string()) {
    names.push_back((*v)[0].get<std::string>());
    return names;
  }
  for (const json& e : *v)
    if (e.is_array() && !e.empty() && e[0].is_string()) names.push_back(e[0].get<std::string>());
  return names;
}

// Names of the layers a node reads: Keras 2 nodes are [[name, node, tensor, kwargs], ...];
// Keras 3 nodes are {"args": [...], "kwargs": {...}} holding __keras_tensor__ objects
// whose keras_history starts with the layer name.
void CollectHistory(const json& v, std::vector<std::string>* out, int depth = 0) {
  if (depth > kMaxJsonDepth) return;
  if (v.is_object()) {
    const json* cls = Member(v, "class_name");
    const json* cfg = Member(v, "config");
    if (cls && cls->is_string() && *cls == "__keras_tensor__" && cfg) {
      const json* history = Member(*cfg, "keras_history");
      if (history && history->is_array() && !history->empty() && (*history)[0].is_string())
        out->push_back((*history)[0].get<std::string>());
      return;
    }
    for (const auto& item : v.items()) CollectHistory(item.value(), out, depth + 1);
  } else if (v.is_array()) {
    if (!v.empty() && v[0].is_string() && v.size() >= 3 && v[1].is_number_integer()) {
      out->push_back(v[0].get<std::string>());  // Keras 2 [name, node, tensor, kwargs]
      return;
    }
    for (const json& e : v) CollectHistory(e, out, depth + 1);
  }
}

Result<ParsedModel> ParseConfig(const std::string& text) {
  if (!JsonDepthWithin(text, kMaxJsonDepth))
    return LimitExceeded("model config nests deeper than " + std::to_string(kMaxJsonDepth) + " levels");
  ParsedModel m;
  m.root = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (m.root.is_discarded() || !m.root.is_object()) return InvalidData("model config is not a JSON object");
  const json* cls = Member(m.root, "class_name");
  if (cls == nullptr || !cls->is_string()) return InvalidData("model config has no class_name");
  m.class_name = cls->get<std::string>();
  const json* config = Member(m.root, "config");
  if (config == nullptr) return InvalidData("model config has no config");
  const json* layers = nullptr;
  if (m.class_name == "Sequential") {
    layers = config->is_array() ? config : Member(*config, "layers");  // Keras 2.1 wrote a bare list
  } else if (m.class_name == "Model" || m.class_name == "Functional") {
    m.functional = true;
    layers = Member(*config, "layers");
    m.inputs = NodeNames(Member(*config, "input_layers"));
    m.outputs = NodeNames(Member(*config, "output_layers"));
  } else {
    return Unsupported("model class '" + m.class_name + "' is not supported: " + kWhatWeImport);
  }
  if (const json* name = Member(*config, "name"); name && name->is_string()) m.name = name->get<std::string>();
  m.build_input_shape = Member(*config, "build_input_shape");
  if (layers == nullptr || !layers->is_array()) return InvalidData("model config has no layer list");
  if (layers->size() > Hdf5Reader::kMaxListEntries)
    return LimitExceeded("model config lists " + std::to_string(layers->size()) + " layers");
  std::map<std::string, int> per_class;
  for (size_t i = 0; i < layers->size(); ++i) {
    const json& l = (*layers)[i];
    ParsedLayer p;
    const json* lcls = Member(l, "class_name");
    const json* lcfg = Member(l, "config");
    if (lcls == nullptr || !lcls->is_string() || lcfg == nullptr || !lcfg->is_object())
      return InvalidData("model config layer " + std::to_string(i) + " has no class_name or config");
    p.class_name = lcls->get<std::string>();
    p.config = *lcfg;
    const json* name = Member(l, "name");
    if (name == nullptr || !name->is_string()) name = Member(*lcfg, "name");
    p.name = name && name->is_string() ? name->get<std::string>() : "#" + std::to_string(i);
    if (const json* nodes = Member(l, "inbound_nodes"); nodes && nodes->is_array()) {
      p.inbound_nodes = nodes->size();
      CollectHistory(*nodes, &p.inbound);
    }
    const std::string snake = KerasSnakeCase(p.class_name);
    const int n = per_class[snake]++;
    p.weights_key = n == 0 ? snake : snake + "_" + std::to_string(n);
    m.layers.push_back(std::move(p));
  }
  return m;
}

// --- settings -------------------------------------------------------------------------

Result<bool> BoolSetting(const ParsedLayer& l, const char* key, bool fallback) {
  const json* v = Member(l.config, key);
  if (v == nullptr || v->is_null()) return fallback;
  if (!v->is_boolean()) return InvalidData(Describe(l) + ": " + key + " is " + Compact(*v) + ", expected true or false");
  return v->get<bool>();
}

Result<uint32_t> UnitsSetting(const ParsedLayer& l) {
  const json* v = Member(l.config, "units");
  if (v == nullptr || !v->is_number_integer()) return InvalidData(Describe(l) + ": units missing or not an integer");
  const int64_t units = v->get<int64_t>();
  if (units < 1 || units > static_cast<int64_t>(limits::kMaxHidden))
    return LimitExceeded(Describe(l) + ": units=" + std::to_string(units) + " is outside 1.." +
                         std::to_string(limits::kMaxHidden));
  return static_cast<uint32_t>(units);
}

// "tanh", null (linear) or {"class_name": ..., "config": "tanh"} -> "tanh".
Result<std::string> ActivationSetting(const ParsedLayer& l, const char* key, const char* fallback) {
  const json* v = Member(l.config, key);
  if (v == nullptr) return std::string(fallback);
  if (v->is_null()) return std::string("linear");
  if (v->is_string()) return v->get<std::string>();
  if (const json* cfg = Member(*v, "config"); cfg && cfg->is_string()) return cfg->get<std::string>();
  return Unsupported(Describe(l) + ": " + key + "=" + Compact(*v) + " is not a built-in activation");
}

// The dtype policy: absent, "float32", or {"class_name": "DTypePolicy", "config": {"name": "float32"}}.
Status CheckDtype(const ParsedLayer& l) {
  const json* v = Member(l.config, "dtype");
  if (v == nullptr || v->is_null()) return Status::Ok();
  std::string name;
  if (v->is_string()) {
    name = v->get<std::string>();
  } else if (const json* cfg = Member(*v, "config"); cfg) {
    if (const json* n = Member(*cfg, "name"); n && n->is_string()) name = n->get<std::string>();
  }
  if (name == "float32") return Status::Ok();
  return Unsupported(Describe(l) + ": dtype=" + Compact(*v) +
                     " is not supported: shelfcast computes in float32 and imports only what it runs exactly");
}

Status RefuseIfTrue(const ParsedLayer& l, const char* key, const char* reason) {
  SHELFCAST_ASSIGN_OR_RETURN(bool on, BoolSetting(l, key, false));
  if (on) return Unsupported(Describe(l) + ": " + key + "=true is not supported: " + reason);
  return Status::Ok();
}

Result<Activation> RecurrentActivation(const ParsedLayer& l, int keras_major) {
  SHELFCAST_ASSIGN_OR_RETURN(std::string ra, ActivationSetting(l, "recurrent_activation", "sigmoid"));
  if (ra == "sigmoid") return Activation::kSigmoid;
  if (ra == "relu") return Activation::kRelu;
  if (ra == "hard_sigmoid") {
    // Same name, two functions: Keras 2 clamp(0.2 x + 0.5, 0, 1), Keras 3 relu6(x + 3) / 6.
    if (keras_major == 1 || keras_major == 2) return Activation::kHardSigmoid;
    if (keras_major == 3) return Activation::kHardSigmoidRelu6;
    return Unsupported(Describe(l) +
                       ": recurrent_activation=hard_sigmoid: Keras 2 and Keras 3 define hard_sigmoid differently "
                       "and the file does not say which Keras saved it");
  }
  return Unsupported(Describe(l) + ": recurrent_activation=" + ra +
                     " is not supported (sigmoid, hard_sigmoid or relu)");
}

// The LSTM settings that change what the layer computes for one window.
Result<Activation> CheckLstmCell(const ParsedLayer& l, int keras_major) {
  SHELFCAST_RETURN_IF_ERROR(CheckDtype(l));
  SHELFCAST_ASSIGN_OR_RETURN(std::string act, ActivationSetting(l, "activation", "tanh"));
  if (act != "tanh")
    return Unsupported(Describe(l) + ": activation=" + act + " is not supported (shelfcast's LSTM cell uses tanh)");
  return RecurrentActivation(l, keras_major);
}

Status CheckLstmSequenceSettings(const ParsedLayer& l, bool feeds_lstm) {
  SHELFCAST_RETURN_IF_ERROR(RefuseIfTrue(l, "stateful",
                                         "shelfcast starts every window from a zero state (its streaming API "
                                         "carries state between calls instead)"));
  SHELFCAST_RETURN_IF_ERROR(RefuseIfTrue(l, "go_backwards", "shelfcast reads windows oldest day first"));
  SHELFCAST_RETURN_IF_ERROR(RefuseIfTrue(l, "return_state", "the forecaster uses only the layer's output"));
  SHELFCAST_RETURN_IF_ERROR(RefuseIfTrue(l, "time_major", "shelfcast feeds [batch, time, features]"));
  SHELFCAST_ASSIGN_OR_RETURN(bool sequences, BoolSetting(l, "return_sequences", false));
  if (feeds_lstm && !sequences)
    return Unsupported(Describe(l) + ": return_sequences=false on an LSTM layer that feeds another LSTM layer");
  if (!feeds_lstm && sequences)
    return Unsupported(Describe(l) +
                       ": return_sequences=true on the last LSTM layer is not supported: the Dense layers would run "
                       "on every time step, shelfcast forecasts from the last step");
  return Status::Ok();
}

Result<Activation> DenseActivation(const ParsedLayer& l) {
  SHELFCAST_RETURN_IF_ERROR(CheckDtype(l));
  for (const char* key : {"lora_rank", "quantization_config"}) {
    const json* v = Member(l.config, key);
    if (v && !v->is_null() && !(v->is_number_integer() && v->get<int64_t>() == 0))
      return Unsupported(Describe(l) + ": " + key + "=" + Compact(*v) + " is not supported");
  }
  SHELFCAST_ASSIGN_OR_RETURN(std::string act, ActivationSetting(l, "activation", "linear"));
  if (act == "linear") return Activation::kLinear;
  if (act == "relu") return Activation::kRelu;
  if (act == "sigmoid") return Activation::kSigmoid;
  if (act == "tanh") return Activation::kTanh;
  return Unsupported(Describe(l) + ": activation=" + act + " is not supported (linear, relu, sigmoid or tanh)");
}

// --- input shape ----------------------------------------------------------------------

struct InputShape {
  bool known = false;
  std::optional<uint32_t> steps;  // T, when fixed
  uint32_t features = 0;          // F
  std::string text;
};

Result<InputShape> ParseShape(const json& v, const std::string& where) {
  InputShape s;
  s.text = Compact(v);
  if (!v.is_array() || v.size() != 3)
    return Unsupported(where + ": input shape " + s.text + " is not [batch, time steps, features]");
  if (!v[2].is_number_integer() || v[2].get<int64_t>() < 1 || v[2].get<int64_t>() > 1 << 20)
    return Unsupported(where + ": input shape " + s.text + " has no fixed feature count");
  s.features = static_cast<uint32_t>(v[2].get<int64_t>());
  if (v[1].is_number_integer()) {
    const int64_t t = v[1].get<int64_t>();
    if (t < 1 || t > static_cast<int64_t>(limits::kMaxWindow))
      return LimitExceeded(where + ": input length " + std::to_string(t) + " is outside 1.." +
                           std::to_string(limits::kMaxWindow));
    s.steps = static_cast<uint32_t>(t);
  } else if (!v[1].is_null()) {
    return InvalidData(where + ": input shape " + s.text + " has a time-step count that is not an integer");
  }
  s.known = true;
  return s;
}

// Where Keras writes the input shape, in order: the InputLayer, the first layer's
// batch_input_shape (Keras 2 Sequential) or build_config (Keras 3), the model's
// build_input_shape.
Result<InputShape> FindInputShape(const ParsedModel& m, const std::vector<const ParsedLayer*>& chain) {
  for (const ParsedLayer& l : m.layers) {
    if (l.class_name != "InputLayer") continue;
    for (const char* key : {"batch_shape", "batch_input_shape"})
      if (const json* v = Member(l.config, key)) return ParseShape(*v, Describe(l));
  }
  if (!chain.empty()) {
    const ParsedLayer& first = *chain.front();
    if (const json* v = Member(first.config, "batch_input_shape")) return ParseShape(*v, Describe(first));
  }
  for (const ParsedLayer& l : m.layers) {
    if (l.class_name == "InputLayer") continue;
    if (const json* bc = Member(l.config, "build_config")) {
      if (const json* v = Member(*bc, "input_shape")) return ParseShape(*v, Describe(l));
    }
    break;
  }
  if (m.build_input_shape && !m.build_input_shape->is_null()) return ParseShape(*m.build_input_shape, "the model");
  return InputShape{};
}

Result<uint8_t> CalendarForFeatures(uint32_t f, const std::string& where) {
  switch (f) {
    case 1: return uint8_t{kCalendarNone};
    case 8: return uint8_t{kCalendarDayOfWeek};
    case 13: return uint8_t{kCalendarMonth};
    case 20: return uint8_t{kCalendarDayOfWeek | kCalendarMonth};
  }
  return Unsupported(where + ": takes " + std::to_string(f) +
                     " input features per step; shelfcast feeds 1 (sales), 8 (sales + weekday one-hot), 13 (sales + "
                     "month one-hot) or 20 (sales + weekday + month one-hots)");
}

// --- the chain ------------------------------------------------------------------------

// The layers that compute, in order: InputLayer and Dropout (the identity at inference)
// dropped; functional models checked to be one straight chain from one input to one output.
Result<std::vector<const ParsedLayer*>> Chain(const ParsedModel& m) {
  if (m.functional) {
    if (m.inputs.size() != 1) {
      std::string names;
      for (const std::string& n : m.inputs) names += (names.empty() ? "" : ", ") + n;
      return Unsupported("model '" + m.name + "' has " + std::to_string(m.inputs.size()) + " inputs (" + names +
                         "): " + kWhatWeImport);
    }
    if (m.outputs.size() != 1)
      return Unsupported("model '" + m.name + "' has " + std::to_string(m.outputs.size()) + " outputs: " +
                         kWhatWeImport);
  }
  std::vector<const ParsedLayer*> chain;
  std::string previous = m.functional ? m.inputs.front() : "";
  for (const ParsedLayer& l : m.layers) {
    if (l.class_name == "InputLayer") continue;
    if (m.functional) {
      if (l.inbound_nodes != 1)
        return Unsupported(Describe(l) + " is called " + std::to_string(l.inbound_nodes) + " times: " + kWhatWeImport);
      if (l.inbound.size() != 1 || l.inbound.front() != previous)
        return Unsupported(Describe(l) + " does not take exactly the previous layer's output: " + kWhatWeImport);
      previous = l.name;
    }
    if (l.class_name == "Dropout") continue;
    chain.push_back(&l);
  }
  if (m.functional && m.outputs.front() != previous)
    return Unsupported("model '" + m.name + "' outputs layer '" + m.outputs.front() + "', not its last layer: " +
                       kWhatWeImport);
  return chain;
}

// --- weights --------------------------------------------------------------------------

struct WeightPaths {
  std::string kernel, recurrent_kernel, bias;  // "" when absent
};

Result<std::string> KerasWeightsRoot(const KerasFile& file) {
  // Keras 2.13's saving code wrote "_layer_checkpoint_dependencies" where Keras 3 writes "layers".
  for (const char* root : {"/layers", "/_layer_checkpoint_dependencies"})
    if (file.weights.IsGroup(root)) return std::string(root);
  return InvalidData("/layers: not found in model.weights.h5");
}

Result<WeightPaths> FindWeights(const KerasFile& file, const ParsedLayer& l, bool lstm, bool use_bias) {
  WeightPaths w;
  const size_t expected = (lstm ? 2u : 1u) + (use_bias ? 1u : 0u);
  const std::string what = lstm ? (use_bias ? "kernel, recurrent_kernel, bias" : "kernel, recurrent_kernel")
                                : (use_bias ? "kernel, bias" : "kernel");
  if (file.format == KerasFormat::kH5) {
    const std::string group = "/model_weights/" + l.name;
    if (!file.weights.IsGroup(group)) return InvalidData(group + ": not found (the weights of " + Describe(l) + ")");
    SHELFCAST_ASSIGN_OR_RETURN(std::vector<std::string> names, file.weights.StringListAttribute(group, "weight_names"));
    if (names.size() != expected)
      return InvalidData(group + "/@weight_names: lists " + std::to_string(names.size()) + " weights, " + Describe(l) +
                         " has " + std::to_string(expected) + " (" + what + ")");
    // Keras lists them in creation order (kernel, recurrent_kernel, bias); check the names too.
    const char* roles[3] = {"kernel", lstm ? "recurrent_kernel" : "bias", "bias"};
    std::string* slots[3] = {&w.kernel, lstm ? &w.recurrent_kernel : &w.bias, &w.bias};
    for (size_t i = 0; i < names.size(); ++i) {
      std::string base = names[i].substr(names[i].rfind('/') == std::string::npos ? 0 : names[i].rfind('/') + 1);
      if (base.size() > 2 && base.compare(base.size() - 2, 2, ":0") == 0) base.resize(base.size() - 2);
      if (base != roles[i])
        return InvalidData(group + "/@weight_names: entry " + std::to_string(i) + " is '" + names[i] + "', expected " +
                           roles[i]);
      *slots[i] = group + "/" + names[i];
    }
    return w;
  }
  SHELFCAST_ASSIGN_OR_RETURN(std::string root, KerasWeightsRoot(file));
  const std::string vars = root + "/" + l.weights_key + (lstm ? "/cell/vars" : "/vars");
  if (!file.weights.IsGroup(vars)) return InvalidData(vars + ": not found (the weights of " + Describe(l) + ")");
  SHELFCAST_ASSIGN_OR_RETURN(std::vector<std::string> members, file.weights.Members(vars));
  std::vector<std::string> want;
  for (size_t i = 0; i < expected; ++i) want.push_back(std::to_string(i));
  std::sort(want.begin(), want.end());
  if (members != want) {
    std::string got;
    for (const std::string& n : members) got += (got.empty() ? "" : ", ") + n;
    return InvalidData(vars + ": holds " + std::to_string(members.size()) + " variables (" + got + "), " + Describe(l) +
                       " has " + std::to_string(expected) + " (" + what + ")");
  }
  w.kernel = vars + "/0";
  if (lstm) w.recurrent_kernel = vars + "/1";
  if (use_bias) w.bias = vars + (lstm ? "/2" : "/1");
  return w;
}

std::string DimsText(const std::vector<uint64_t>& dims) {
  std::string s;
  for (size_t i = 0; i < dims.size(); ++i) s += (i ? "x" : "") + std::to_string(dims[i]);
  return s.empty() ? "scalar" : s;
}

// Reads a float32 dataset of exactly rows x cols (rows = 0: a vector of cols) into t.
Status ReadTensor(const KerasFile& file, const std::string& path, uint32_t rows, uint32_t cols, const char* meaning,
                  Tensor* t) {
  const int rank = rows == 0 ? 1 : 2;
  SHELFCAST_ASSIGN_OR_RETURN(Hdf5Array a, file.weights.FloatDataset(path, rank));
  const std::vector<uint64_t> expected = rows == 0 ? std::vector<uint64_t>{cols} : std::vector<uint64_t>{rows, cols};
  if (a.dims != expected)
    return InvalidData(path + ": shape " + DimsText(a.dims) + ", expected " + DimsText(expected) + " (" + meaning + ")");
  for (size_t i = 0; i < a.values.size(); ++i)
    if (!std::isfinite(a.values[i])) return InvalidData(path + ": value " + std::to_string(i) + " is not a finite number");
  t->dense = std::move(a.values);
  return Status::Ok();
}

// The kernel's row count, to learn a layer's input size from its weights.
Result<uint32_t> KernelRows(const KerasFile& file, const std::string& path) {
  SHELFCAST_ASSIGN_OR_RETURN(Hdf5DatasetInfo info, file.weights.DescribeDataset(path));
  if (info.dims.size() != 2 || info.dims[0] < 1 || info.dims[0] > limits::kMaxHidden)
    return InvalidData(path + ": shape " + DimsText(info.dims) + " is not a kernel of at most " +
                       std::to_string(limits::kMaxHidden) + " inputs");
  return static_cast<uint32_t>(info.dims[0]);
}

Result<Layer> ReadLstm(const KerasFile& file, const ParsedLayer& l, uint32_t inputs, uint32_t units, Activation ra,
                       bool use_bias, const WeightPaths& w) {
  Layer layer = MakeLstmLayer(inputs, units, ra);
  SHELFCAST_RETURN_IF_ERROR(
      ReadTensor(file, w.kernel, inputs, 4 * units, "inputs x 4*units", layer.Find(TensorRole::kKernel)));
  SHELFCAST_RETURN_IF_ERROR(ReadTensor(file, w.recurrent_kernel, units, 4 * units, "units x 4*units",
                                       layer.Find(TensorRole::kRecurrentKernel)));
  // use_bias=false adds nothing; a zero bias adds exactly nothing too.
  if (use_bias) SHELFCAST_RETURN_IF_ERROR(ReadTensor(file, w.bias, 0, 4 * units, "4*units", layer.Find(TensorRole::kBias)));
  return layer;
}

Result<Layer> ReadDense(const KerasFile& file, uint32_t inputs, uint32_t units, Activation act, bool use_bias,
                        const WeightPaths& w) {
  Layer layer = MakeDenseLayer(inputs, units, act);
  SHELFCAST_RETURN_IF_ERROR(ReadTensor(file, w.kernel, inputs, units, "inputs x units", layer.Find(TensorRole::kKernel)));
  if (use_bias) SHELFCAST_RETURN_IF_ERROR(ReadTensor(file, w.bias, 0, units, "units", layer.Find(TensorRole::kBias)));
  return layer;
}

std::string Plural(uint32_t n, const char* word) {
  return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
}

Result<Model> Import(const KerasFile& file, const ParsedModel& m, const KerasImportOptions& options,
                     std::string* architecture) {
  SHELFCAST_ASSIGN_OR_RETURN(std::vector<const ParsedLayer*> chain, Chain(m));
  if (chain.empty()) return Unsupported("model '" + m.name + "' has no layers: " + kWhatWeImport);
  if (chain.size() > limits::kMaxLayers)
    return LimitExceeded("model '" + m.name + "' has " + std::to_string(chain.size()) + " layers, over the cap of " +
                         std::to_string(limits::kMaxLayers));
  size_t lstm_count = 0;
  for (size_t i = 0; i < chain.size(); ++i) {
    const ParsedLayer& l = *chain[i];
    if (l.class_name == "LSTM") {
      if (i != lstm_count) return Unsupported(Describe(l) + " follows a Dense layer: " + kWhatWeImport);
      ++lstm_count;
    } else if (l.class_name == "Dense") {
      if (lstm_count == 0) return Unsupported(Describe(l) + " comes before any LSTM layer: " + kWhatWeImport);
    } else {
      return Unsupported(Describe(l) + " is not supported: " + kWhatWeImport);
    }
  }
  if (lstm_count > limits::kMaxLstmLayers)
    return Unsupported("model '" + m.name + "' stacks " + std::to_string(lstm_count) +
                       " LSTM layers: shelfcast runs at most " + std::to_string(limits::kMaxLstmLayers));
  if (lstm_count == chain.size())
    return Unsupported("model '" + m.name + "' ends in " + Describe(*chain.back()) +
                       ": shelfcast needs a final Dense(1) layer");

  SHELFCAST_ASSIGN_OR_RETURN(InputShape shape, FindInputShape(m, chain));
  Model model;
  model.horizon = options.horizon;
  model.norm = options.norm;
  model.norm_offset = options.norm_offset.value_or(options.norm == NormKind::kWindowMean ? 1.f : 0.f);
  model.norm_scale = options.norm_scale.value_or(1.f);
  if (options.window != 0 && shape.steps && *shape.steps != options.window)
    return InvalidArgument("window " + std::to_string(options.window) + " contradicts the model's input length " +
                           std::to_string(*shape.steps) + " (input shape " + shape.text + ")");
  model.window = options.window != 0 ? options.window : shape.steps.value_or(kDefaultKerasWindow);

  std::string arch;
  uint32_t inputs = 0;
  for (size_t i = 0; i < chain.size(); ++i) {
    const ParsedLayer& l = *chain[i];
    const bool lstm = l.class_name == "LSTM";
    SHELFCAST_ASSIGN_OR_RETURN(uint32_t units, UnitsSetting(l));
    SHELFCAST_ASSIGN_OR_RETURN(bool use_bias, BoolSetting(l, "use_bias", true));
    Layer layer;
    if (lstm) {
      SHELFCAST_ASSIGN_OR_RETURN(Activation ra, CheckLstmCell(l, file.keras_major()));
      SHELFCAST_RETURN_IF_ERROR(CheckLstmSequenceSettings(l, i + 1 < lstm_count));
      SHELFCAST_ASSIGN_OR_RETURN(WeightPaths w, FindWeights(file, l, true, use_bias));
      if (i == 0) {
        if (shape.known) {
          inputs = shape.features;
        } else {
          SHELFCAST_ASSIGN_OR_RETURN(inputs, KernelRows(file, w.kernel));
        }
        SHELFCAST_ASSIGN_OR_RETURN(model.calendar, CalendarForFeatures(inputs, Describe(l)));
      }
      SHELFCAST_ASSIGN_OR_RETURN(layer, ReadLstm(file, l, inputs, units, ra, use_bias, w));
      arch += (i ? " -> " : "") + std::string("LSTM(") + std::to_string(units) + ", " + ActivationName(ra) + ")";
    } else {
      SHELFCAST_ASSIGN_OR_RETURN(Activation act, DenseActivation(l));
      if (i + 1 == chain.size() && (units != 1 || act != Activation::kLinear))
        return Unsupported(Describe(l) + ": the output layer must be Dense(1) with linear activation, found Dense(" +
                           std::to_string(units) + ", " + ActivationName(act) + ")");
      SHELFCAST_ASSIGN_OR_RETURN(WeightPaths w, FindWeights(file, l, false, use_bias));
      SHELFCAST_ASSIGN_OR_RETURN(layer, ReadDense(file, inputs, units, act, use_bias, w));
      arch += " -> Dense(" + std::to_string(units) + (act == Activation::kLinear ? "" : std::string(", ") + ActivationName(act)) + ")";
    }
    model.layers.push_back(std::move(layer));
    inputs = units;
  }
  SHELFCAST_RETURN_IF_ERROR(ValidateModel(model));
  if (architecture) {
    const uint32_t f = model.input_features();
    *architecture = arch + " over " + Plural(f, "input feature") + ", window " + std::to_string(model.window);
  }
  return model;
}

// Datasets under a group, depth first, for inspect.
void ListDatasets(const KerasFile& file, const std::string& group, int depth, std::vector<KerasWeightInfo>* out) {
  if (depth > 4 || out->size() > 64) return;
  Result<std::vector<std::string>> members = file.weights.Members(group);
  if (!members.ok()) return;
  for (const std::string& name : *members) {
    const std::string path = group + "/" + name;
    if (file.weights.IsDataset(path)) {
      Result<Hdf5DatasetInfo> info = file.weights.DescribeDataset(path);
      if (info.ok()) out->push_back({path, info->dims, info->type});
    } else if (file.weights.IsGroup(path)) {
      ListDatasets(file, path, depth + 1, out);
    }
  }
}

void AddSettings(const json& config, const std::string& prefix, KerasLayerInfo* info) {
  static const char* const kKeys[] = {"batch_shape", "batch_input_shape", "units", "activation",
                                      "recurrent_activation", "use_bias", "return_sequences", "return_state",
                                      "stateful", "go_backwards", "time_major", "unroll", "dropout",
                                      "recurrent_dropout", "rate", "merge_mode", "dtype"};
  for (const char* key : kKeys) {
    const json* v = Member(config, key);
    if (v == nullptr) continue;
    std::string text = Compact(*v);
    if (std::string(key) == "dtype" && v->is_object()) {
      if (const json* cfg = Member(*v, "config"); cfg)
        if (const json* n = Member(*cfg, "name"); n && n->is_string()) text = n->get<std::string>();
    }
    info->settings.emplace_back(prefix + key, text);
  }
}

}  // namespace

// Keras' naming.to_snake_case, its three regex substitutions done by hand (left to right,
// non-overlapping, as Python's re.sub): drop non-word characters; "(.)([A-Z][a-z]+)" ->
// "\1_\2"; "([a-z])([A-Z])" -> "\1_\2"; then lower case. "LSTM" -> "lstm", "InputLayer" ->
// "input_layer", "Conv1D" -> "conv1d".
std::string KerasSnakeCase(const std::string& name) {
  const auto upper = [](char c) { return c >= 'A' && c <= 'Z'; };
  const auto lower = [](char c) { return c >= 'a' && c <= 'z'; };
  std::string s;
  for (char c : name)
    if (std::isalnum(static_cast<unsigned char>(c)) || c == '_') s += c;
  std::string a;
  for (size_t i = 0; i < s.size();) {
    if (i + 2 < s.size() && upper(s[i + 1]) && lower(s[i + 2])) {
      a += s[i];
      a += '_';
      a += s[i + 1];
      size_t j = i + 2;
      while (j < s.size() && lower(s[j])) a += s[j++];
      i = j;
    } else {
      a += s[i++];
    }
  }
  std::string b;
  for (size_t i = 0; i < a.size();) {
    if (i + 1 < a.size() && lower(a[i]) && upper(a[i + 1])) {
      b += a[i];
      b += '_';
      b += a[i + 1];
      i += 2;
    } else {
      b += a[i++];
    }
  }
  for (char& c : b) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return b;
}

Result<Model> ImportKeras(const KerasFile& file, const KerasImportOptions& options) {
  SHELFCAST_ASSIGN_OR_RETURN(ParsedModel m, ParseConfig(file.config_json));
  return Import(file, m, options, nullptr);
}

Result<Layer> ImportKerasLstmLayer(const KerasFile& file, const std::string& layer_name) {
  SHELFCAST_ASSIGN_OR_RETURN(ParsedModel m, ParseConfig(file.config_json));
  for (const ParsedLayer& l : m.layers) {
    if (l.name != layer_name) continue;
    if (l.class_name != "LSTM") return Unsupported(Describe(l) + " is not an LSTM layer");
    SHELFCAST_ASSIGN_OR_RETURN(uint32_t units, UnitsSetting(l));
    SHELFCAST_ASSIGN_OR_RETURN(bool use_bias, BoolSetting(l, "use_bias", true));
    SHELFCAST_ASSIGN_OR_RETURN(Activation ra, CheckLstmCell(l, file.keras_major()));
    SHELFCAST_ASSIGN_OR_RETURN(WeightPaths w, FindWeights(file, l, true, use_bias));
    SHELFCAST_ASSIGN_OR_RETURN(uint32_t inputs, KernelRows(file, w.kernel));
    return ReadLstm(file, l, inputs, units, ra, use_bias, w);
  }
  return InvalidArgument("no layer named '" + layer_name + "' in the model config");
}

Result<KerasModelInfo> InspectKeras(const KerasFile& file, const KerasImportOptions& options) {
  SHELFCAST_ASSIGN_OR_RETURN(ParsedModel m, ParseConfig(file.config_json));
  KerasModelInfo info;
  info.format = file.format_name();
  info.keras_version = file.keras_version;
  info.backend = file.backend;
  info.model_class = m.class_name;
  info.model_name = m.name;
  info.inputs = m.inputs;
  Result<std::string> root = file.format == KerasFormat::kKeras ? KerasWeightsRoot(file) : Result<std::string>(std::string());
  for (const ParsedLayer& l : m.layers) {
    KerasLayerInfo li;
    li.name = l.name;
    li.class_name = l.class_name;
    AddSettings(l.config, "", &li);
    if (const json* inner = Member(l.config, "layer")) {  // Bidirectional, TimeDistributed
      const json* cls = Member(*inner, "class_name");
      const json* cfg = Member(*inner, "config");
      if (cls && cls->is_string()) li.settings.emplace_back("layer", cls->get<std::string>());
      if (cfg) AddSettings(*cfg, "layer.", &li);
    }
    if (file.format == KerasFormat::kH5) {
      ListDatasets(file, "/model_weights/" + l.name, 0, &li.weights);
    } else if (root.ok()) {
      ListDatasets(file, *root + "/" + l.weights_key, 0, &li.weights);
    }
    info.layers.push_back(std::move(li));
  }
  Result<Model> model = Import(file, m, options, &info.architecture);
  info.importable = model.ok() ? Status::Ok() : model.status();
  return info;
}

}  // namespace shelfcast::keras

// Writes a Keras model file with seeded random weights, and the same weights as JSON, for
// tests that check an import against another implementation (tests/node/keras_tfjs.test.mjs
// runs TensorFlow.js on the JSON weights).
//
//   shelfcast_keras_test_writer OUT.keras|OUT.h5 --lstm 12,8 [--dense 8:relu] [--recurrent sigmoid]
//       [--window 30] [--calendar none|dow|month|both] [--seed 1] --weights-json W.json
// .keras writes the Keras 3 zip layout, .h5 the Keras 2 HDF5 layout.
#include <cstdio>
#include <cstring>
#include <fstream>
#include <stdexcept>
#include <string>

#include "keras_test_files.h"

using namespace shelfcast;
using namespace shelfcast::testing;

namespace {

std::vector<std::string> Split(const std::string& s, char sep) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= s.size()) {
    const size_t end = s.find(sep, start);
    out.push_back(s.substr(start, end == std::string::npos ? std::string::npos : end - start));
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return out;
}

Activation ParseActivation(const std::string& name, int keras_major) {
  if (name == "linear") return Activation::kLinear;
  if (name == "sigmoid") return Activation::kSigmoid;
  if (name == "tanh") return Activation::kTanh;
  if (name == "relu") return Activation::kRelu;
  if (name == "hard_sigmoid") return keras_major == 3 ? Activation::kHardSigmoidRelu6 : Activation::kHardSigmoid;
  throw std::runtime_error("unknown activation " + name);
}

nlohmann::json Values(const Tensor* t) { return t ? nlohmann::json(t->dense) : nlohmann::json::array(); }

}  // namespace

int main(int argc, char** argv) {
  try {
    if (argc < 2) throw std::runtime_error("usage: see the top of write_keras_test_file.cpp");
    const std::string out = argv[1];
    std::string lstm = "16", dense, recurrent = "sigmoid", calendar = "none", weights_json;
    uint32_t window = 30, seed = 1;
    for (int i = 2; i + 1 < argc; i += 2) {
      const std::string key = argv[i], value = argv[i + 1];
      if (key == "--lstm") lstm = value;
      else if (key == "--dense") dense = value;
      else if (key == "--recurrent") recurrent = value;
      else if (key == "--window") window = static_cast<uint32_t>(std::stoul(value));
      else if (key == "--calendar") calendar = value;
      else if (key == "--seed") seed = static_cast<uint32_t>(std::stoul(value));
      else if (key == "--weights-json") weights_json = value;
      else throw std::runtime_error("unknown option " + key);
    }
    const bool zip = out.size() > 6 && out.compare(out.size() - 6, 6, ".keras") == 0;
    const int keras_major = zip ? 3 : 2;
    std::vector<uint32_t> lstm_units;
    for (const std::string& u : Split(lstm, ',')) lstm_units.push_back(static_cast<uint32_t>(std::stoul(u)));
    std::vector<std::pair<uint32_t, Activation>> dense_layers;
    if (!dense.empty()) {
      for (const std::string& d : Split(dense, ',')) {
        const std::vector<std::string> parts = Split(d, ':');
        dense_layers.emplace_back(static_cast<uint32_t>(std::stoul(parts[0])),
                                  ParseActivation(parts.size() > 1 ? parts[1] : "linear", keras_major));
      }
    }
    uint8_t cal = kCalendarNone;
    if (calendar == "dow") cal = kCalendarDayOfWeek;
    else if (calendar == "month") cal = kCalendarMonth;
    else if (calendar == "both") cal = kCalendarDayOfWeek | kCalendarMonth;
    else if (calendar != "none") throw std::runtime_error("unknown calendar " + calendar);

    const Model model =
        RandomKerasModel(lstm_units, dense_layers, ParseActivation(recurrent, keras_major), window, cal, seed);
    KerasTestOptions options;
    options.keras_major = keras_major;
    if (zip) WriteKerasZip(out, model, options);
    else WriteKerasH5(out, model, options);

    if (!weights_json.empty()) {
      nlohmann::json j;
      j["window"] = model.window;
      j["features"] = model.input_features();
      j["recurrent_activation"] = recurrent;
      for (const Layer& l : model.layers) {
        j["layers"].push_back({{"kind", LayerKindName(l.kind)},
                               {"units", l.units},
                               {"activation", ActivationName(l.activation)},
                               {"kernel", Values(l.Find(TensorRole::kKernel))},
                               {"recurrent_kernel", Values(l.Find(TensorRole::kRecurrentKernel))},
                               {"bias", Values(l.Find(TensorRole::kBias))}});
      }
      std::ofstream(weights_json) << j.dump() << "\n";
    }
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "shelfcast_keras_test_writer: %s\n", e.what());
    return 1;
  }
}

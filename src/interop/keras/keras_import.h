// Keras import: a Keras forecaster [LSTM (1 or 2 stacked), optional Dense layers,
// Dense(1)] over F input features becomes a shelfcast Model that computes the same
// function (shelfcast's layout and gate order are Keras', so weights copy unchanged).
//
//   Result<KerasFile> file = OpenKerasFile("forecaster.keras");     // or a Keras 2 .h5
//   KerasImportOptions options;                                      // window, normalisation
//   Result<Model> model = ImportKeras(*file, options);
//
// What is refused, always naming the layer and the setting (see docs/keras-import.md):
// anything but the chain above (Bidirectional, GRU, Conv, Masking, several inputs or
// outputs, shared layers, ...); LSTM activation other than tanh; recurrent activations
// other than sigmoid, hard_sigmoid and relu; return_state, stateful, go_backwards,
// time_major; return_sequences other than "true between LSTM layers, false on the last";
// Dense activations other than linear, relu, sigmoid, tanh; an output other than linear
// Dense(1); dtype policies other than float32 and weights other than float32; F other
// than 1, 8, 13 or 20 (sales, + weekday one-hot, + month one-hot, + both).
// Ignored because they do not change inference: dropout, recurrent_dropout, unroll,
// implementation, initializers, regularizers, constraints, Dropout layers.
//
// Window and normalisation are not in Keras files: they come from the options.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/status.h"
#include "format/model.h"
#include "interop/keras/keras_file.h"

namespace shelfcast::keras {

struct KerasWeightInfo {
  std::string path;  // inside the HDF5 file
  std::vector<uint64_t> dims;
  std::string type;
};

struct KerasLayerInfo {
  std::string name;
  std::string class_name;
  std::vector<std::pair<std::string, std::string>> settings;  // as the config says
  std::vector<KerasWeightInfo> weights;
};

struct KerasModelInfo {
  std::string format;
  std::string keras_version;
  std::string backend;
  std::string model_class;
  std::string model_name;
  std::vector<std::string> inputs;  // input layers of functional models
  std::vector<KerasLayerInfo> layers;
  Status importable;         // why `import keras` refuses this file, or OK
  std::string architecture;  // when importable, e.g. "LSTM(16) -> Dense(1) over 1 input feature"
};

struct KerasImportOptions {
  // 0: the model's input length when its input shape fixes one, else 30 (the article's).
  uint32_t window = 0;
  uint32_t horizon = 1;
  NormKind norm = NormKind::kGlobal;
  // Defaults: global 0 and 1 (the Keras model takes raw sales and returns raw sales);
  // window-mean offset 1 (keeps all-zero windows finite).
  std::optional<float> norm_offset;
  std::optional<float> norm_scale;
};

// The window used when the options give none and the model does not fix one.
inline constexpr uint32_t kDefaultKerasWindow = 30;

Result<Model> ImportKeras(const KerasFile& file, const KerasImportOptions& options);

// One LSTM layer's weights and recurrent activation, by layer name, with any input size
// (for models that are not forecasters, e.g. to check an importer against a real file).
Result<Layer> ImportKerasLstmLayer(const KerasFile& file, const std::string& layer_name);

// Keras' naming.to_snake_case: the base of the keys Keras 3 stores a layer's weights under
// (/layers/<key>/...), e.g. "InputLayer" -> "input_layer".
std::string KerasSnakeCase(const std::string& class_name);

// Layers, settings and weights as the file holds them, and whether ImportKeras takes it.
Result<KerasModelInfo> InspectKeras(const KerasFile& file, const KerasImportOptions& options = {});

}  // namespace shelfcast::keras

// Keras model files written by the tests themselves (no Python or Keras on these machines),
// with libhdf5 and libzip, in the layouts Keras writes:
//   Keras 2 .h5: root attributes model_config / keras_version / backend, weights at
//     /model_weights/<layer>/<layer>/{kernel:0, recurrent_kernel:0, bias:0} listed by the
//     group's weight_names attribute (as keras 2.x's save_model does);
//   Keras 3 legacy .h5: the same groups, weight names as Keras 3 variable paths
//     (<model>/<layer>/lstm_cell/kernel);
//   Keras 3 .keras: a zip of metadata.json, config.json and model.weights.h5 with weights at
//     /layers/<class key>/cell/vars/0..2 (LSTM) and /layers/<class key>/vars/0..1 (Dense).
// The weights come from a shelfcast Model, so a test can compare the import with the
// model it started from.
#pragma once

#include <hdf5.h>

#include <functional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "format/model.h"

namespace shelfcast::testing {

struct KerasTestOptions {
  int keras_major = 2;      // 2 or 3: version attributes, naming, config style
  bool functional = false;  // functional model (InputLayer + inbound_nodes) instead of Sequential
  // Layer names in the config; empty: Keras' defaults (lstm_1, dense_1 / lstm, dense).
  std::vector<std::string> names;
  // Edits the model config before it is written (to inject settings the importer refuses).
  std::function<void(nlohmann::json&)> edit_config;
  // Runs on the open weights HDF5 file before it is closed (to break the weights on purpose).
  std::function<void(hid_t)> edit_weights;
};

// LSTM layers of lstm_units (return_sequences between them), Dense layers of dense
// (units, activation), then Dense(1) linear; weights ~ U(-0.4, 0.4) from seed.
Model RandomKerasModel(const std::vector<uint32_t>& lstm_units,
                       const std::vector<std::pair<uint32_t, Activation>>& dense, Activation recurrent,
                       uint32_t window, uint8_t calendar, uint32_t seed);

// The Keras config of model ("class_name" / "config" ...), as the options say.
nlohmann::json KerasConfig(const Model& model, const KerasTestOptions& options);

void WriteKerasH5(const std::string& path, const Model& model, const KerasTestOptions& options);
void WriteKerasZip(const std::string& path, const Model& model, const KerasTestOptions& options);

// Helpers for tests that write odd files.
void WriteFloatDataset(hid_t loc, const std::string& name, const std::vector<hsize_t>& dims,
                       const std::vector<float>& values);
void WriteStringAttribute(hid_t obj, const std::string& name, const std::string& value);

// A fresh temporary directory for one test's files.
std::string TestTempDir(const std::string& tag);

}  // namespace shelfcast::testing

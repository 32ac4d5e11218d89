// The two Keras file layouts, opened into one shape: the model's JSON config, the Keras
// version that saved it, and the HDF5 file holding the weights.
//
//   Keras 2 `.h5` (also Keras 3's legacy `.h5`): one HDF5 file; root attributes
//     `model_config` (JSON), `keras_version`, `backend`; weights under
//     /model_weights/<layer>/, listed by the group's `weight_names` attribute
//     (e.g. "lstm/kernel:0").
//   Keras 3 `.keras`: a zip holding config.json, metadata.json (keras_version) and
//     model.weights.h5, whose weights sit at /layers/<key>/vars/<i> (Dense) and
//     /layers/<key>/cell/vars/<i> (LSTM), <key> being the snake-cased class name with a
//     per-class counter (lstm, lstm_1, dense, dense_1) in the model's layer order.
//
// The format is told by the file's first bytes (HDF5 signature or zip), not its name.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/status.h"
#include "interop/keras/hdf5_reader.h"

namespace shelfcast::keras {

enum class KerasFormat { kH5, kKeras };

struct KerasFile {
  KerasFormat format = KerasFormat::kH5;
  std::string keras_version;  // "" when the file does not say
  std::string backend;        // "" when the file does not say
  std::string config_json;
  Hdf5Reader weights;

  // The major version of the Keras that saved the file, 0 when unknown.
  int keras_major() const;
  const char* format_name() const;
};

// Caps on what the importer reads from a Keras file.
inline constexpr size_t kMaxKerasFileBytes = 64u << 20;
inline constexpr size_t kMaxKerasConfigBytes = 4u << 20;

Result<KerasFile> OpenKerasFile(const std::string& path);
Result<KerasFile> OpenKerasBytes(std::vector<uint8_t> bytes);

}  // namespace shelfcast::keras

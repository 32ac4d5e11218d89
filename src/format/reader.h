// Reading, writing and validating shelfcast model files (docs/model-format.md).
//
//   Result<Model> model = ReadModel(bytes.data(), bytes.size());
//   if (!model.ok()) return model.status();          // a readable message, never a crash
//   Result<std::vector<uint8_t>> file = WriteModel(*model);
//
// ReadModel is the ONE parser of model bytes. It treats its input as hostile: every
// length and offset is checked with overflow-safe arithmetic before use, every
// dimension against the caps of core/limits.h, the payload against its CRC32, and the
// decoded model against ValidateModel, so kernels only ever see consistent shapes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "core/status.h"
#include "format/model.h"

namespace shelfcast {

inline constexpr char kModelMagic[4] = {'S', 'H', 'C', 'F'};
inline constexpr uint16_t kModelFormatVersion = 1;
inline constexpr size_t kModelHeaderBytes = 16;

Result<Model> ReadModel(const uint8_t* data, size_t size);

// Serialises a model that passes ValidateModel. Dimensions must fit the file's u16 fields.
Result<std::vector<uint8_t>> WriteModel(const Model& model);

// Structure and shape checks shared by the reader, the writer and code that builds
// models in memory: layer order (LSTM layers first, then Dense, ending in linear
// Dense(1)), chained sizes, tensor shapes and encodings, caps, finite values.
Status ValidateModel(const Model& model);

}  // namespace shelfcast

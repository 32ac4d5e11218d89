// Helpers shared by the unit tests: random models, raw-file surgery, tolerances.
#pragma once

#include <cfloat>
#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

#include "format/crc32.h"
#include "format/model.h"
#include "format/reader.h"

namespace shelfcast::testing {

// An LSTM(hidden) + Dense(1) forecaster with weights ~ U(-scale, scale), fixed by seed.
inline Model RandomModel(uint32_t hidden, uint32_t window, uint32_t seed, uint8_t calendar = kCalendarNone,
                         float scale = 0.3f) {
  Model model = MakeLstmForecaster(hidden, window, calendar);
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> u(-scale, scale);
  for (Layer& layer : model.layers)
    for (Tensor& t : layer.tensors)
      for (float& v : t.dense) v = u(rng);
  model.norm_offset = 50.f;
  model.norm_scale = 20.f;
  return model;
}

inline std::vector<float> RandomSales(size_t n, uint32_t seed, float lo = 0.f, float hi = 120.f) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> u(lo, hi);
  std::vector<float> v(n);
  for (float& x : v) x = std::round(u(rng));
  return v;
}

inline std::vector<uint8_t> Bytes(const Model& model) { return WriteModel(model).value(); }

// Recomputes the header CRC after a test edits the payload on purpose.
inline void FixCrc(std::vector<uint8_t>* file) {
  const uint32_t crc = Crc32(file->data() + kModelHeaderBytes, file->size() - kModelHeaderBytes);
  for (int i = 0; i < 4; ++i) (*file)[12 + i] = static_cast<uint8_t>(crc >> (8 * i));
}

inline void PutU16At(std::vector<uint8_t>* file, size_t at, uint16_t v) {
  (*file)[at] = static_cast<uint8_t>(v);
  (*file)[at + 1] = static_cast<uint8_t>(v >> 8);
}

// Byte offsets in a v1 file (docs/model-format.md).
inline constexpr size_t kWindowOffset = 16;
inline constexpr size_t kFirstLayerOffset = 32;          // kind, act, ract, ntensors, inputs u16, units u16
inline constexpr size_t kFirstTensorOffset = 40;         // role, enc, rows u16, cols u16, bytes u32

}  // namespace shelfcast::testing

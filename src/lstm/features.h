// How raw sales and dates become model inputs: normalisation and calendar features.
// Shared by the runtime, the trainer and the evaluator so all three feed a model the
// same numbers.
#pragma once

#include <cstddef>

#include "core/date.h"
#include "format/model.h"

namespace shelfcast {

// The per-window normalisation: inputs are x' = (x - offset) / scale, outputs
// y = y' * scale + offset.
struct WindowScale {
  float offset;
  float scale;
  float Normalise(float x) const { return (x - offset) / scale; }
  float Denormalise(float y) const { return y * scale + offset; }
};

// For kGlobal the model's fitted (offset, scale); for kWindowMean (0, mean(window) +
// model.norm_offset), the mean taken in double over the whole window.
WindowScale ScaleForWindow(const Model& model, const float* sales, size_t count);

// Writes the model's calendar inputs for a step whose input is the sales of day
// `input_day`: the one-hot weekday and/or month of input_day + 1 (see CalendarFeature).
// Writes model.input_features() - 1 floats.
void WriteCalendarFeatures(uint8_t calendar, DayNumber input_day, float* out);

}  // namespace shelfcast

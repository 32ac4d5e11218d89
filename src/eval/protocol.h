// The evaluation protocol of docs/data.md (from the project brief's protocol.md): which
// series, which days train, validate and test, the windows cut from them, and the
// normalisations a model file can carry.
//
//   test        every day of 2017, forecast from the actual history before it
//   validation  the last `validation_days` days before the test (2016-10-01 .. 2016-12-31)
//   training    every earlier day with a full window before it
//
//   Result<ProtocolSplit> split = MakeProtocolSplit(data, ProtocolOptions{});
//   // 5 stores x 10 items, window 30: split->test.size() == 50 * 365 == 18,250
//   GlobalNormalisation norm = FitGlobalNormalisation(split->train);
//   SetGlobalNormalisation(norm, &model);
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "core/date.h"
#include "core/status.h"
#include "data/series.h"
#include "data/windows.h"
#include "format/model.h"

namespace shelfcast {

struct ProtocolOptions {
  // Store-item data: the series of these stores x items, in this order (the article's
  // 5 x 10 sample). Generic data: every series (stores/items ignored).
  std::vector<int32_t> stores = {1, 2, 3, 4, 5};
  std::vector<int32_t> items = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
  uint32_t window = 30;
  // Days forecast from each window. The protocol's number is one step ahead (1); with
  // h > 1 an example's targets are days t .. t+h-1, all inside their period.
  uint32_t horizon = 1;
  DayNumber test_first = DaysFromCivil(2017, 1, 1);
  DayNumber test_last = DaysFromCivil(2017, 12, 31);
  uint32_t validation_days = 92;  // 2016-10-01 .. 2016-12-31
};

struct ProtocolSplit {
  std::vector<uint32_t> series;  // indices into SalesData::series, in selection order
  WindowSet train, validation, test;
};

// Errors name what is missing (a selected store/item absent from the data, a series
// that does not reach the test period or lacks a window of history before it).
// Windows may reach back across period boundaries (a validation window's inputs are
// training days; a test window's inputs are validation days): only targets are split.
Result<ProtocolSplit> MakeProtocolSplit(const SalesData& data, const ProtocolOptions& options);

// "1-5" -> {1,2,3,4,5}; "1,3,7-8" -> {1,3,7,8}: ids 1..2147483647, in the order given.
Result<std::vector<int32_t>> ParseIdRanges(std::string_view text);

// The kGlobal normalisation x' = (x - offset) / scale (format/model.h), fitted on
// TRAINING data only, never on validation or test days:
//   offset = mean of the training targets (each (series, day) once: the first target of
//            every example),  scale = their population standard deviation,
// both accumulated in double. An empty set gives {0, 1}; constant targets give scale 1
// (every input then normalises to 0), so the result always passes model validation.
struct GlobalNormalisation {
  float offset = 0.f;
  float scale = 1.f;
};
GlobalNormalisation FitGlobalNormalisation(const WindowSet& train);

// The kWindowMean normalisation: m = mean(window) + offset, x' = x / m, y = y' * m. The
// offset is a floor that keeps all-zero windows finite and damps the scale of nearly
// empty ones; one sale is small next to the data card's mean of 52.
inline constexpr float kWindowMeanOffset = 1.f;

// Record a normalisation in a model (Model::norm, norm_offset, norm_scale).
void SetGlobalNormalisation(const GlobalNormalisation& norm, Model* model);
void SetWindowMeanNormalisation(Model* model, float offset = kWindowMeanOffset);

}  // namespace shelfcast

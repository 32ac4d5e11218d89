// The evaluation protocol of docs (../shared/docs/protocol.md): which series, which days
// train, validate and test, and the windows cut from them.
//
//   test        every day of 2017, one step ahead from the actual history before it
//   validation  the last `validation_days` days before the test (the end of 2016)
//   training    every earlier day with a full window before it
#pragma once

#include <cstdint>
#include <vector>

#include "core/date.h"
#include "core/status.h"
#include "data/series.h"
#include "data/windows.h"

namespace shelfcast {

struct ProtocolOptions {
  // Store-item data: the series of these stores x items (the article's 5 x 10 sample).
  // Generic data: every series (stores/items ignored).
  std::vector<int32_t> stores = {1, 2, 3, 4, 5};
  std::vector<int32_t> items = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
  uint32_t window = 30;
  DayNumber test_first = DaysFromCivil(2017, 1, 1);
  DayNumber test_last = DaysFromCivil(2017, 12, 31);
  uint32_t validation_days = 92;  // 2016-10-01 .. 2016-12-31
};

struct ProtocolSplit {
  std::vector<uint32_t> series;  // indices into SalesData::series, in selection order
  WindowSet train, validation, test;
};

// Errors name what is missing (a selected store/item absent from the data, a series
// that does not reach the test period).
Result<ProtocolSplit> MakeProtocolSplit(const SalesData& data, const ProtocolOptions& options);

}  // namespace shelfcast

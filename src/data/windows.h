// Forecasting examples cut from series: `window` consecutive days of one series as
// input, the next day's value as target. The one currency between the protocol, the
// trainer and the evaluator.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "core/date.h"
#include "data/series.h"

namespace shelfcast {

struct WindowSet {
  uint32_t window = 0;
  std::vector<float> inputs;           // [n][window] raw sales, oldest first
  std::vector<float> targets;          // [n] raw sales of the target day
  std::vector<DayNumber> target_days;  // [n] the day after the window
  std::vector<uint32_t> series;        // [n] index of the series in its SalesData

  size_t size() const { return targets.size(); }
  const float* input(size_t i) const { return inputs.data() + i * window; }
};

// Appends one example per target day in [first_target, last_target] for which the
// series covers the whole window before it and the target itself.
void AppendWindows(const Series& s, uint32_t series_index, uint32_t window, DayNumber first_target,
                   DayNumber last_target, WindowSet* out);

}  // namespace shelfcast

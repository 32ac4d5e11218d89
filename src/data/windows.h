// Forecasting examples cut from series: `window` consecutive days of one series as
// input, the next `horizon` days' values as targets. The one currency between the
// protocol, the trainer and the evaluator.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "core/date.h"
#include "data/series.h"

namespace shelfcast {

struct WindowSet {
  uint32_t window = 0;
  uint32_t horizon = 1;
  std::vector<float> inputs;           // [n][window] raw sales, oldest first
  std::vector<float> targets;          // [n][horizon] raw sales of the days after the window
  std::vector<DayNumber> target_days;  // [n] the first target day (the day after the window)
  std::vector<uint32_t> series;        // [n] index of the series in its SalesData

  size_t size() const { return target_days.size(); }
  const float* input(size_t i) const { return inputs.data() + i * window; }
  const float* target(size_t i) const { return targets.data() + i * horizon; }
};

// Appends one example per first target day t in [first_target, last_target - horizon + 1]
// for which the series covers the whole window before t and the days t .. t+horizon-1
// (so every target lies in [first_target, last_target]). `out` must be empty or hold
// examples of the same window and horizon.
void AppendWindows(const Series& s, uint32_t series_index, uint32_t window, DayNumber first_target,
                   DayNumber last_target, WindowSet* out, uint32_t horizon = 1);

}  // namespace shelfcast

#include "data/windows.h"

#include <algorithm>

namespace shelfcast {

void AppendWindows(const Series& s, uint32_t series_index, uint32_t window, DayNumber first_target,
                   DayNumber last_target, WindowSet* out) {
  out->window = window;
  if (s.values.empty()) return;
  const DayNumber from = std::max(first_target, s.first_day + static_cast<DayNumber>(window));
  const DayNumber to = std::min(last_target, s.last_day());
  for (DayNumber t = from; t <= to; ++t) {
    const size_t end = static_cast<size_t>(t - s.first_day);  // index of the target
    out->inputs.insert(out->inputs.end(), s.values.begin() + static_cast<std::ptrdiff_t>(end - window),
                       s.values.begin() + static_cast<std::ptrdiff_t>(end));
    out->targets.push_back(s.values[end]);
    out->target_days.push_back(t);
    out->series.push_back(series_index);
  }
}

}  // namespace shelfcast

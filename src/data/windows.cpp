#include "data/windows.h"

#include <algorithm>

namespace shelfcast {

void AppendWindows(const Series& s, uint32_t series_index, uint32_t window, DayNumber first_target,
                   DayNumber last_target, WindowSet* out, uint32_t horizon) {
  out->window = window;
  out->horizon = horizon;
  if (s.values.empty() || horizon == 0) return;
  const DayNumber h = static_cast<DayNumber>(horizon);
  const DayNumber from = std::max(first_target, s.first_day + static_cast<DayNumber>(window));
  const DayNumber to = std::min(last_target, s.last_day()) - (h - 1);  // the last first-target day
  for (DayNumber t = from; t <= to; ++t) {
    const size_t end = static_cast<size_t>(t - s.first_day);  // index of the first target
    const auto at = [&](size_t i) { return s.values.begin() + static_cast<std::ptrdiff_t>(i); };
    out->inputs.insert(out->inputs.end(), at(end - window), at(end));
    out->targets.insert(out->targets.end(), at(end), at(end + horizon));
    out->target_days.push_back(t);
    out->series.push_back(series_index);
  }
}

}  // namespace shelfcast

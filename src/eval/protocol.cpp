#include "eval/protocol.h"

namespace shelfcast {

Result<ProtocolSplit> MakeProtocolSplit(const SalesData& data, const ProtocolOptions& o) {
  if (o.window < 1) return InvalidArgument("the window must be at least 1 day");
  if (o.test_last < o.test_first) return InvalidArgument("the test period ends before it starts");
  ProtocolSplit split;
  if (data.format == SalesFormat::kStoreItem) {
    for (int32_t store : o.stores) {
      for (int32_t item : o.items) {
        bool found = false;
        for (size_t i = 0; i < data.series.size(); ++i) {
          if (data.series[i].store == store && data.series[i].item == item) {
            split.series.push_back(static_cast<uint32_t>(i));
            found = true;
            break;
          }
        }
        if (!found)
          return InvalidArgument("store " + std::to_string(store) + " item " + std::to_string(item) +
                                 " is not in the data");
      }
    }
  } else {
    for (size_t i = 0; i < data.series.size(); ++i) split.series.push_back(static_cast<uint32_t>(i));
  }
  if (split.series.empty()) return InvalidArgument("no series selected");

  const DayNumber validation_first = o.test_first - static_cast<DayNumber>(o.validation_days);
  for (uint32_t index : split.series) {
    const Series& s = data.series[index];
    if (!s.Covers(o.test_first))
      return InvalidArgument(s.key + ": the series does not reach the test period starting " +
                             FormatIsoDate(o.test_first));
    if (o.test_first - s.first_day < static_cast<DayNumber>(o.window))
      return InvalidArgument(s.key + ": fewer than " + std::to_string(o.window) +
                             " days of history before the test period");
    AppendWindows(s, index, o.window, s.first_day, validation_first - 1, &split.train);
    AppendWindows(s, index, o.window, validation_first, o.test_first - 1, &split.validation);
    AppendWindows(s, index, o.window, o.test_first, o.test_last, &split.test);
  }
  split.train.window = split.validation.window = split.test.window = o.window;
  return split;
}

}  // namespace shelfcast

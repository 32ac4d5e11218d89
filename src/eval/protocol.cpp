#include "eval/protocol.h"

#include <algorithm>
#include <cmath>

#include "core/limits.h"

namespace shelfcast {

Result<ProtocolSplit> MakeProtocolSplit(const SalesData& data, const ProtocolOptions& o) {
  if (o.window < 1) return InvalidArgument("the window must be at least 1 day");
  if (o.horizon < 1) return InvalidArgument("the horizon must be at least 1 day");
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
    AppendWindows(s, index, o.window, s.first_day, validation_first - 1, &split.train, o.horizon);
    AppendWindows(s, index, o.window, validation_first, o.test_first - 1, &split.validation, o.horizon);
    AppendWindows(s, index, o.window, o.test_first, o.test_last, &split.test, o.horizon);
  }
  for (WindowSet* set : {&split.train, &split.validation, &split.test}) {
    set->window = o.window;
    set->horizon = o.horizon;
  }
  return split;
}

Result<std::vector<int32_t>> ParseIdRanges(std::string_view text) {
  const auto bad = [&] {
    return InvalidArgument("'" + std::string(text) + "' is not a list of ids like 1-5 or 1,3,7-8");
  };
  // One id: digits only, 1..2147483647.
  const auto id = [](std::string_view s, int64_t* out) {
    if (s.empty() || s.size() > 10) return false;
    int64_t v = 0;
    for (char c : s) {
      if (c < '0' || c > '9') return false;
      v = v * 10 + (c - '0');
    }
    *out = v;
    return v >= 1 && v <= 2147483647;
  };
  std::vector<int32_t> ids;
  size_t at = 0;
  for (;;) {
    const size_t comma = std::min(text.find(',', at), text.size());
    const std::string_view part = text.substr(at, comma - at);
    const size_t dash = part.find('-');
    int64_t lo = 0, hi = 0;
    if (dash == std::string_view::npos) {
      if (!id(part, &lo)) return bad();
      hi = lo;
    } else if (!id(part.substr(0, dash), &lo) || !id(part.substr(dash + 1), &hi) || hi < lo) {
      return bad();
    }
    // The series cap bounds any sensible selection; it also bounds this loop.
    if (static_cast<uint64_t>(hi - lo) + ids.size() >= limits::kMaxSeries)
      return InvalidArgument("'" + std::string(text) + "' selects more than " + std::to_string(limits::kMaxSeries) +
                             " ids (limits::kMaxSeries)");
    for (int64_t v = lo; v <= hi; ++v) ids.push_back(static_cast<int32_t>(v));
    if (comma == text.size()) return ids;
    at = comma + 1;
  }
}

GlobalNormalisation FitGlobalNormalisation(const WindowSet& train) {
  const size_t n = train.size();
  if (n == 0) return {};
  const size_t stride = train.horizon ? train.horizon : 1;
  // Two passes (mean, then squared deviations) keep the variance exact to double
  // precision even when the mean is large next to the spread.
  double sum = 0;
  for (size_t i = 0; i < n; ++i) sum += train.targets[i * stride];
  const double mean = sum / static_cast<double>(n);
  double sq = 0;
  for (size_t i = 0; i < n; ++i) {
    const double d = train.targets[i * stride] - mean;
    sq += d * d;
  }
  const double sd = std::sqrt(sq / static_cast<double>(n));
  GlobalNormalisation g;
  g.offset = static_cast<float>(mean);
  g.scale = static_cast<float>(sd) > 0.f ? static_cast<float>(sd) : 1.f;
  return g;
}

void SetGlobalNormalisation(const GlobalNormalisation& norm, Model* model) {
  model->norm = NormKind::kGlobal;
  model->norm_offset = norm.offset;
  model->norm_scale = norm.scale;
}

void SetWindowMeanNormalisation(Model* model, float offset) {
  model->norm = NormKind::kWindowMean;
  model->norm_offset = offset;
  model->norm_scale = 1.f;
}

}  // namespace shelfcast

#include "eval/baselines.h"

#include "data/card.h"

namespace shelfcast {

Result<Baseline> ParseBaseline(std::string_view name) {
  if (name == "naive") return Baseline{BaselineKind::kNaive, 0};
  if (name == "seasonal-naive") return Baseline{BaselineKind::kSeasonalNaive, 0};
  if (name == "true-mean") return Baseline{BaselineKind::kTrueMean, 0};
  constexpr std::string_view kMean = "weekday-mean";
  if (name.substr(0, kMean.size()) == kMean) {
    std::string_view rest = name.substr(kMean.size());
    if (rest.empty()) return Baseline{BaselineKind::kWeekdayMean, 4};
    uint32_t k = 0;
    bool ok = rest.size() >= 2 && rest.size() <= 3 && rest[0] == ':';
    for (size_t i = 1; ok && i < rest.size(); ++i) {
      ok = rest[i] >= '0' && rest[i] <= '9';
      k = k * 10 + static_cast<uint32_t>(rest[i] - '0');
    }
    if (ok && k >= 1 && k <= 52) return Baseline{BaselineKind::kWeekdayMean, k};
  }
  return InvalidArgument("unknown baseline '" + std::string(name) +
                         "': expected naive, seasonal-naive, weekday-mean, weekday-mean:K (K = 1..52) or true-mean");
}

std::string BaselineId(const Baseline& b) {
  switch (b.kind) {
    case BaselineKind::kNaive: return "naive";
    case BaselineKind::kSeasonalNaive: return "seasonal-naive";
    case BaselineKind::kWeekdayMean: return "weekday-mean:" + std::to_string(b.weeks);
    case BaselineKind::kTrueMean: return "true-mean";
  }
  return "?";
}

std::string BaselineLabel(const Baseline& b) {
  switch (b.kind) {
    case BaselineKind::kNaive: return "naive (yesterday)";
    case BaselineKind::kSeasonalNaive: return "seasonal naive (same weekday last week)";
    case BaselineKind::kWeekdayMean:
      return b.weeks == 1 ? "mean of the last 1 same weekday"
                          : "mean of the last " + std::to_string(b.weeks) + " same weekdays";
    case BaselineKind::kTrueMean: return "true mean mu (generator oracle)";
  }
  return "?";
}

std::vector<Baseline> DefaultBaselines() {
  return {{BaselineKind::kNaive, 0}, {BaselineKind::kSeasonalNaive, 0}, {BaselineKind::kWeekdayMean, 4}};
}

Result<std::vector<float>> BaselineForecasts(const SalesData& data, const WindowSet& set, const Baseline& b) {
  if (b.kind == BaselineKind::kWeekdayMean && (b.weeks < 1 || b.weeks > 52))
    return InvalidArgument("weekday-mean averages 1..52 weeks, not " + std::to_string(b.weeks));
  const uint32_t h = set.horizon;
  std::vector<float> out(set.size() * h);
  for (size_t i = 0; i < set.size(); ++i) {
    if (set.series[i] >= data.series.size())
      return InvalidArgument("example " + std::to_string(i) + " names series " + std::to_string(set.series[i]) +
                             ", the data has " + std::to_string(data.series.size()));
    const Series& s = data.series[set.series[i]];
    const DayNumber t = set.target_days[i];
    if (b.kind == BaselineKind::kTrueMean && (data.format != SalesFormat::kStoreItem || !card::HasSeries(s.store, s.item)))
      return InvalidArgument("true-mean is the generator's oracle: it knows stores 1..10 x items 1..50 of "
                             "store-item data only, not " + s.key);
    for (uint32_t k = 0; k < h; ++k) {
      const DayNumber d = t + static_cast<DayNumber>(k);
      const DayNumber same_weekday = d - 7 * static_cast<DayNumber>((k + 7) / 7);  // L(d) = d - 7 ceil((k+1)/7)
      DayNumber oldest = t - 1;  // the oldest day the forecast reads
      if (b.kind == BaselineKind::kSeasonalNaive) oldest = same_weekday;
      if (b.kind == BaselineKind::kWeekdayMean) oldest = same_weekday - 7 * static_cast<DayNumber>(b.weeks - 1);
      if (b.kind != BaselineKind::kTrueMean && oldest < s.first_day)
        return InvalidArgument(s.key + ": " + BaselineLabel(b) + " for " + FormatIsoDate(d) + " needs the sales of " +
                               FormatIsoDate(oldest) + ", the series starts " + FormatIsoDate(s.first_day));
      if (b.kind != BaselineKind::kTrueMean && t - 1 > s.last_day())
        return InvalidArgument(s.key + ": " + BaselineLabel(b) + " for " + FormatIsoDate(d) + " needs the sales of " +
                               FormatIsoDate(t - 1) + ", the series ends " + FormatIsoDate(s.last_day()));
      float f = 0;
      switch (b.kind) {
        case BaselineKind::kNaive: f = s.At(t - 1); break;
        case BaselineKind::kSeasonalNaive: f = s.At(same_weekday); break;
        case BaselineKind::kWeekdayMean: {
          double sum = 0;
          for (uint32_t j = 0; j < b.weeks; ++j) sum += s.At(same_weekday - 7 * static_cast<DayNumber>(j));
          f = static_cast<float>(sum / b.weeks);
          break;
        }
        case BaselineKind::kTrueMean: f = static_cast<float>(card::Mean(d, s.store, s.item)); break;
      }
      out[i * h + k] = f;
    }
  }
  return out;
}

}  // namespace shelfcast

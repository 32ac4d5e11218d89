#include "pipeline/baselines.h"

#include <stdexcept>

#include "data/generator.h"

namespace shelfcast::pipeline {
namespace {

void RequireWindow(const WindowSet& set, uint32_t days, const char* what) {
  if (set.window < days)
    throw std::invalid_argument(std::string(what) + " needs a window of at least " + std::to_string(days) +
                                " days, not " + std::to_string(set.window));
}

// The card's weekday factors up to a common constant: mu of one store-item over a
// Monday..Sunday week inside one month (only W varies), Monday first.
double WeekdayFactor(int weekday) {
  const DayNumber monday = DaysFromCivil(2015, 6, 1);  // a Monday; June 1..7 is one month
  return TrueMean(monday + weekday, 1, 1) / TrueMean(monday, 1, 1);
}

}  // namespace

std::vector<float> SeasonalNaiveForecasts(const WindowSet& set) {
  RequireWindow(set, 7, "seasonal naive");
  std::vector<float> f(set.size());
  for (size_t i = 0; i < set.size(); ++i) f[i] = set.input(i)[set.window - 7];
  return f;
}

std::vector<float> SameWeekdayMeanForecasts(const WindowSet& set, int weeks) {
  RequireWindow(set, 7 * static_cast<uint32_t>(weeks), "the same-weekday mean");
  std::vector<float> f(set.size());
  for (size_t i = 0; i < set.size(); ++i) {
    double sum = 0;
    for (int k = 1; k <= weeks; ++k) sum += set.input(i)[set.window - 7 * static_cast<uint32_t>(k)];
    f[i] = static_cast<float>(sum / weeks);
  }
  return f;
}

std::vector<float> TrueMeanForecasts(const SalesData& data, const WindowSet& set) {
  std::vector<float> f(set.size());
  for (size_t i = 0; i < set.size(); ++i) {
    const Series& s = data.series[set.series[i]];
    f[i] = static_cast<float>(TrueMean(set.target_days[i], s.store, s.item));
  }
  return f;
}

std::vector<float> WeekdayAdjustedMeanForecasts(const WindowSet& set, int days) {
  RequireWindow(set, static_cast<uint32_t>(days), "the weekday-adjusted mean");
  double w[7];
  for (int d = 0; d < 7; ++d) w[d] = WeekdayFactor(d);
  std::vector<float> f(set.size());
  for (size_t i = 0; i < set.size(); ++i) {
    const DayNumber target = set.target_days[i];
    double sum = 0;
    for (int k = 1; k <= days; ++k) sum += set.input(i)[set.window - static_cast<uint32_t>(k)] / w[Weekday(target - k)];
    f[i] = static_cast<float>(w[Weekday(target)] * sum / days);
  }
  return f;
}

std::vector<BaselineResult> EvaluateBaselines(const SalesData& data, const WindowSet& test, bool generated) {
  std::vector<BaselineResult> rows;
  rows.push_back({"seasonal naive (same weekday last week)", ScoreForecasts(test, SeasonalNaiveForecasts(test))});
  if (test.window >= 28)
    rows.push_back({"mean of the last 4 same weekdays", ScoreForecasts(test, SameWeekdayMeanForecasts(test, 4))});
  if (generated) {
    if (test.window >= 14)
      rows.push_back({"weekday-adjusted mean of the last 14 days (weekday factors known)",
                      ScoreForecasts(test, WeekdayAdjustedMeanForecasts(test, 14))});
    rows.push_back({"true mean (noise floor)", ScoreForecasts(test, TrueMeanForecasts(data, test))});
  }
  return rows;
}

}  // namespace shelfcast::pipeline

#include "pipeline/baselines.h"

#include <stdexcept>

#include "data/card.h"
#include "eval/baselines.h"

namespace shelfcast::pipeline {

std::vector<float> WeekdayAdjustedMeanForecasts(const WindowSet& set, int days) {
  if (days < 1 || set.window < static_cast<uint32_t>(days))
    throw std::invalid_argument("the weekday-adjusted mean of " + std::to_string(days) +
                                " days needs a window of at least that many days, not " + std::to_string(set.window));
  std::vector<float> f(set.size());
  for (size_t i = 0; i < set.size(); ++i) {
    const DayNumber target = set.target_days[i];
    double sum = 0;
    for (int k = 1; k <= days; ++k)
      sum += set.input(i)[set.window - static_cast<uint32_t>(k)] / card::kWeekday[Weekday(target - k)];
    f[i] = static_cast<float>(card::kWeekday[Weekday(target)] * sum / days);
  }
  return f;
}

std::vector<BaselineResult> EvaluateBaselines(const SalesData& data, const WindowSet& test, bool generated) {
  std::vector<Baseline> kinds = DefaultBaselines();
  std::vector<BaselineResult> rows;
  for (const Baseline& b : kinds) {
    Result<std::vector<float>> f = BaselineForecasts(data, test, b);
    if (!f.ok()) throw std::runtime_error(f.status().message());
    rows.push_back({BaselineLabel(b), ScoreForecasts(test, std::move(f).value())});
  }
  if (generated) {
    if (test.window >= 14)
      rows.push_back({"weekday-adjusted mean of the last 14 days (weekday factors known: oracle)",
                      ScoreForecasts(test, WeekdayAdjustedMeanForecasts(test, 14))});
    const Baseline truth{BaselineKind::kTrueMean, 0};
    Result<std::vector<float>> f = BaselineForecasts(data, test, truth);
    if (!f.ok()) throw std::runtime_error(f.status().message());
    rows.push_back({BaselineLabel(truth), ScoreForecasts(test, std::move(f).value())});
  }
  return rows;
}

}  // namespace shelfcast::pipeline

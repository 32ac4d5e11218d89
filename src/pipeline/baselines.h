// The trivial forecasters every results table shows beside the models (data-card.md,
// protocol.md), computed on the same windows and scored by eval/evaluate.h.
#pragma once

#include <string>
#include <vector>

#include "data/series.h"
#include "data/windows.h"
#include "eval/evaluate.h"

namespace shelfcast::pipeline {

struct BaselineResult {
  std::string name;
  Evaluation evaluation;
};

// Forecasts from the window alone:
//   seasonal naive                 the same weekday last week: x[T-7]
//   mean of the last 4 same weekdays   (x[T-7] + x[T-14] + x[T-21] + x[T-28]) / 4
// (each needs a window of at least 7 / 28 days; the set's window must allow it).
std::vector<float> SeasonalNaiveForecasts(const WindowSet& set);
std::vector<float> SameWeekdayMeanForecasts(const WindowSet& set, int weeks);

// Generated data only (the generator's factors are known):
//   true mean                      mu(day, store, item), the noise floor
//   weekday-adjusted mean of the last 14 days, weekday factors known (protocol.md's
//                                  "what is reachable" for a 30-day univariate model):
//                                  W[target] * mean_k(x[T-k] / W[day of x[T-k]]), k = 1..14
std::vector<float> TrueMeanForecasts(const SalesData& data, const WindowSet& set);
std::vector<float> WeekdayAdjustedMeanForecasts(const WindowSet& set, int days);

// The rows of the tables: the window baselines always, the generator's when `generated`.
std::vector<BaselineResult> EvaluateBaselines(const SalesData& data, const WindowSet& test, bool generated);

}  // namespace shelfcast::pipeline

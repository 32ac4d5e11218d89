// The trivial forecasters of the results tables (data-card.md, protocol.md): the rows of
// eval/baselines.h, plus one oracle that only generated data allows, all scored by
// eval/evaluate.h on the same windows as the models.
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

// Weekday-adjusted mean of the last `days` days with the data card's weekday factors W
// known (protocol.md's "what is reachable" for a univariate model; an oracle like the
// true mean, meaningful on generated data only):
//   f = W[weekday(target)] * mean_{k=1..days} x[T-k] / W[weekday(target - k)]
// Throws std::invalid_argument when the window is shorter than `days`.
std::vector<float> WeekdayAdjustedMeanForecasts(const WindowSet& set, int days);

// eval/baselines.h's DefaultBaselines (naive, seasonal naive, mean of the last 4 same
// weekdays); with `generated`, also the weekday-adjusted 14-day mean and the true mean.
// Throws std::runtime_error with the Status message when a baseline cannot be computed.
std::vector<BaselineResult> EvaluateBaselines(const SalesData& data, const WindowSet& test, bool generated);

}  // namespace shelfcast::pipeline

// Scoring forecasts of a WindowSet: pooled and per-series metrics. Every accuracy number
// shelfcast reports (CLI, manifest, results tables, the page) comes through here.
#pragma once

#include <cstdint>
#include <map>
#include <vector>

#include "core/status.h"
#include "data/windows.h"
#include "eval/metrics.h"
#include "lstm/forecaster.h"

namespace shelfcast {

struct Evaluation {
  Metrics pooled;
  std::map<uint32_t, Metrics> per_series;  // keyed by WindowSet::series index
  std::vector<float> forecasts;            // [n][horizon], in WindowSet order
};

// forecasts[i * horizon + k] is the forecast of set.targets[i * horizon + k]; pairs are
// accumulated in that order (so every caller gets the same sums, to the last bit).
// forecasts.size() must equal set.targets.size().
Evaluation ScoreForecasts(const WindowSet& set, std::vector<float> forecasts);

// Forecasts of every example by a model (set.horizon days, recursive), then
// ScoreForecasts.
Result<Evaluation> EvaluateModel(Forecaster& forecaster, const WindowSet& set);

}  // namespace shelfcast

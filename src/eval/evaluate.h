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
  std::vector<float> forecasts;            // one per example, in WindowSet order
};

// forecasts[i] is the forecast of set.targets[i].
Evaluation ScoreForecasts(const WindowSet& set, std::vector<float> forecasts);

// One-step-ahead forecasts of every example by a model, then ScoreForecasts.
Result<Evaluation> EvaluateModel(Forecaster& forecaster, const WindowSet& set);

}  // namespace shelfcast

#include "eval/evaluate.h"

namespace shelfcast {

Evaluation ScoreForecasts(const WindowSet& set, std::vector<float> forecasts) {
  Evaluation e;
  MetricsAccumulator pooled;
  std::map<uint32_t, MetricsAccumulator> per_series;
  for (size_t i = 0; i < set.size(); ++i) {
    pooled.Add(set.targets[i], forecasts[i]);
    per_series[set.series[i]].Add(set.targets[i], forecasts[i]);
  }
  e.pooled = pooled.Result();
  for (const auto& [series, acc] : per_series) e.per_series[series] = acc.Result();
  e.forecasts = std::move(forecasts);
  return e;
}

Result<Evaluation> EvaluateModel(Forecaster& forecaster, const WindowSet& set) {
  if (set.window != forecaster.window())
    return InvalidArgument("the windows have " + std::to_string(set.window) + " days, the model needs " +
                           std::to_string(forecaster.window()));
  std::vector<float> forecasts(set.size());
  SHELFCAST_RETURN_IF_ERROR(forecaster.ForecastBatch(set.size(), set.inputs.data(),
                                                     forecaster.needs_dates() ? set.target_days.data() : nullptr,
                                                     1, forecasts.data()));
  return ScoreForecasts(set, std::move(forecasts));
}

}  // namespace shelfcast

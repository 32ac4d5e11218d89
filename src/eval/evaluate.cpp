#include "eval/evaluate.h"

namespace shelfcast {

Evaluation ScoreForecasts(const WindowSet& set, std::vector<float> forecasts) {
  Evaluation e;
  MetricsAccumulator pooled;
  std::map<uint32_t, MetricsAccumulator> per_series;
  const size_t h = set.horizon;
  for (size_t i = 0; i < set.size(); ++i) {
    MetricsAccumulator& one = per_series[set.series[i]];
    for (size_t k = 0; k < h; ++k) {
      const size_t j = i * h + k;
      pooled.Add(set.targets[j], forecasts[j]);
      one.Add(set.targets[j], forecasts[j]);
    }
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
  std::vector<float> forecasts(set.size() * set.horizon);
  SHELFCAST_RETURN_IF_ERROR(forecaster.ForecastBatch(set.size(), set.inputs.data(),
                                                     forecaster.needs_dates() ? set.target_days.data() : nullptr,
                                                     set.horizon, forecasts.data()));
  return ScoreForecasts(set, std::move(forecasts));
}

}  // namespace shelfcast

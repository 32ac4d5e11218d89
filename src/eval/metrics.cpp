#include "eval/metrics.h"

#include <cmath>

namespace shelfcast {

void MetricsAccumulator::Add(double actual, double forecast) {
  const double err = std::fabs(forecast - actual);
  ++n_;
  abs_err_sum_ += err;
  sq_err_sum_ += err * err;
  abs_actual_sum_ += std::fabs(actual);
  const double denom = std::fabs(actual) + std::fabs(forecast);
  if (denom > 0) sape_sum_ += 2.0 * err / denom;
  if (actual > 0) {
    ape_sum_ += err / actual;
    ++n_positive_;
  }
}

Metrics MetricsAccumulator::Result() const {
  Metrics m;
  m.count = n_;
  m.mape_count = n_positive_;
  if (n_positive_) m.mape = 100.0 * ape_sum_ / static_cast<double>(n_positive_);
  if (n_) {
    m.smape = 100.0 * sape_sum_ / static_cast<double>(n_);
    m.mae = abs_err_sum_ / static_cast<double>(n_);
    m.rmse = std::sqrt(sq_err_sum_ / static_cast<double>(n_));
  }
  if (abs_actual_sum_ > 0) m.wape = 100.0 * abs_err_sum_ / abs_actual_sum_;
  return m;
}

Metrics ComputeMetrics(const float* actual, const float* forecast, size_t n) {
  MetricsAccumulator acc;
  for (size_t i = 0; i < n; ++i) acc.Add(actual[i], forecast[i]);
  return acc.Result();
}

}  // namespace shelfcast

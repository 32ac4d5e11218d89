// Forecast accuracy metrics, pooled over (series, day) pairs. The one implementation
// used by the CLI, the tests, the manifest and (through wasm) the demo page.
#pragma once

#include <cstddef>
#include <vector>

namespace shelfcast {

struct Metrics {
  // MAPE in %: mean of |f - a| / a * 100 over the pairs with actual a > 0 ONLY (days
  // with zero sales have no percentage error; they still count in every other metric).
  double mape = 0;
  // sMAPE in %: mean of 2 |f - a| / (|a| + |f|) * 100; a pair with a = f = 0 counts 0.
  double smape = 0;
  // WAPE in %: sum |f - a| / sum |a| * 100.
  double wape = 0;
  double mae = 0;
  double rmse = 0;
  size_t count = 0;       // pairs
  size_t mape_count = 0;  // pairs with a > 0
};

// Accumulates pairs in double; Result() may be called at any time.
class MetricsAccumulator {
 public:
  void Add(double actual, double forecast);
  Metrics Result() const;

 private:
  double ape_sum_ = 0, sape_sum_ = 0, abs_err_sum_ = 0, abs_actual_sum_ = 0, sq_err_sum_ = 0;
  size_t n_ = 0, n_positive_ = 0;
};

Metrics ComputeMetrics(const float* actual, const float* forecast, size_t n);

}  // namespace shelfcast

// Metrics against values computed by hand (fractions worked out in the comments).
#include <catch2/catch.hpp>

#include <cmath>
#include <vector>

#include "data/windows.h"
#include "eval/evaluate.h"
#include "eval/metrics.h"

namespace shelfcast {

// Doubles from a handful of exact operations: a few ulp of the hand value.
static bool Near(double got, double want) { return std::fabs(got - want) <= 1e-12 * std::fabs(want) + 1e-15; }

TEST_CASE("metrics: hand-computed MAPE, sMAPE, WAPE, MAE, RMSE", "[eval][metrics]") {
  // actual 10, 0, 5, 20; forecast 12, 1, 5, 15; |errors| 2, 1, 0, 5.
  const std::vector<float> a = {10, 0, 5, 20}, f = {12, 1, 5, 15};
  const Metrics m = ComputeMetrics(a.data(), f.data(), a.size());
  CHECK(m.count == 4);
  CHECK(m.mape_count == 3);  // the zero-sales day has no percentage error
  // MAPE = (2/10 + 0/5 + 5/20) / 3 * 100 = 0.45 / 3 * 100 = 15
  CHECK(Near(m.mape, 15.0));
  // sMAPE = (4/22 + 2/1 + 0 + 10/35) / 4 * 100 = (2/11 + 2 + 2/7) / 4 * 100 = 190/77 / 4 * 100 = 4750/77
  CHECK(Near(m.smape, 4750.0 / 77.0));
  // WAPE = 8 / 35 * 100
  CHECK(Near(m.wape, 800.0 / 35.0));
  CHECK(Near(m.mae, 2.0));                 // 8 / 4
  CHECK(Near(m.rmse, std::sqrt(7.5)));     // sqrt((4 + 1 + 0 + 25) / 4)
}

TEST_CASE("metrics: a = f = 0 counts 0 in sMAPE and nothing in MAPE", "[eval][metrics]") {
  const std::vector<float> a = {10, 0, 5, 20, 0}, f = {12, 1, 5, 15, 0};
  const Metrics m = ComputeMetrics(a.data(), f.data(), a.size());
  CHECK(m.count == 5);
  CHECK(m.mape_count == 3);
  CHECK(Near(m.mape, 15.0));
  CHECK(Near(m.smape, 3800.0 / 77.0));  // 190/77 / 5 * 100
  CHECK(Near(m.mae, 1.6));              // 8 / 5
  CHECK(Near(m.rmse, std::sqrt(6.0)));  // sqrt(30 / 5)
}

TEST_CASE("metrics: no pairs, and only zero actuals", "[eval][metrics]") {
  const Metrics none = ComputeMetrics(nullptr, nullptr, 0);
  CHECK(none.count == 0);
  CHECK(none.mape == 0);
  CHECK(none.rmse == 0);
  const std::vector<float> a = {0, 0}, f = {1, 3};
  const Metrics m = ComputeMetrics(a.data(), f.data(), 2);
  CHECK(m.mape_count == 0);
  CHECK(m.mape == 0);    // undefined: reported as 0 with mape_count 0
  CHECK(m.wape == 0);    // sum |a| = 0: undefined, reported as 0
  CHECK(Near(m.smape, 200.0));  // 2|f-a|/(|a|+|f|) = 2 for every pair
  CHECK(Near(m.mae, 2.0));
}

TEST_CASE("metrics: pooled and per series through ScoreForecasts", "[eval][metrics]") {
  // Two series, two examples each (window 1, horizon 1): series 0 actual 10, 20 forecast
  // 12, 15; series 1 actual 4, 0 forecast 5, 1.
  WindowSet set;
  set.window = 1;
  set.inputs = {0, 0, 0, 0};
  set.targets = {10, 4, 20, 0};
  set.target_days = {100, 100, 101, 101};
  set.series = {0, 1, 0, 1};
  const Evaluation e = ScoreForecasts(set, {12, 5, 15, 1});
  REQUIRE(e.per_series.size() == 2);
  // Series 0: MAPE (2/10 + 5/20)/2 = 22.5 %; series 1: MAPE 1/4 = 25 % over 1 pair.
  CHECK(Near(e.per_series.at(0).mape, 22.5));
  CHECK(e.per_series.at(0).mape_count == 2);
  CHECK(Near(e.per_series.at(1).mape, 25.0));
  CHECK(e.per_series.at(1).mape_count == 1);
  CHECK(Near(e.per_series.at(1).mae, 1.0));
  // Pooled MAPE is over the 3 pairs with sales > 0, not the mean of the series' MAPEs:
  // (0.2 + 0.25 + 0.25) / 3 * 100 = 70/3.
  CHECK(Near(e.pooled.mape, 70.0 / 3.0));
  CHECK(e.pooled.count == 4);
  CHECK(Near(e.pooled.wape, 900.0 / 34.0));  // (2 + 1 + 5 + 1) / (10 + 4 + 20 + 0) * 100
  CHECK(e.forecasts == std::vector<float>{12, 5, 15, 1});
}

TEST_CASE("metrics: horizon > 1 scores every (example, step) pair", "[eval][metrics]") {
  WindowSet set;
  set.window = 1;
  set.horizon = 2;
  set.inputs = {0, 0};
  set.targets = {10, 20, 5, 5};
  set.target_days = {100, 100};
  set.series = {0, 1};
  const Evaluation e = ScoreForecasts(set, {11, 18, 5, 6});
  CHECK(e.pooled.count == 4);
  CHECK(Near(e.pooled.mae, 1.0));                  // (1 + 2 + 0 + 1) / 4
  CHECK(Near(e.per_series.at(0).mape, 10.0));      // (1/10 + 2/20) / 2 * 100
  CHECK(Near(e.per_series.at(1).mape, 10.0));      // (0 + 1/5) / 2 * 100
}

}  // namespace shelfcast

// The drift monitor's window, MAPE and flag rules, on values worked out by hand, and its
// MAPE against eval/metrics.h's on the same days.
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <vector>

#include "core/date.h"
#include "eval/metrics.h"
#include "monitor/drift.h"

namespace shelfcast {
namespace {

// Sums of a few doubles: a few ulp of the hand value.
bool Near(double got, double want) { return std::fabs(got - want) <= 1e-12 * std::fabs(want) + 1e-15; }

SeriesDrift Make(const DriftOptions& o) {
  Result<SeriesDrift> d = SeriesDrift::Create(o);
  REQUIRE(d.ok());
  return std::move(d).value();
}

const DayNumber kDay = DaysFromCivil(2017, 7, 1);

}  // namespace

TEST_CASE("drift: rolling MAPE over the last `window` days, zero-sales days count as days only", "[monitor]") {
  DriftOptions o;
  o.window = 3;
  o.shadow = true;
  SeriesDrift d = Make(o);
  // actual 10, forecasts 12 / 11: APE 20 / 10
  REQUIRE(d.Observe(kDay, 10, 12, 11).ok());
  CHECK(d.status().days == 1);
  CHECK(d.status().window_days == 1);
  CHECK(d.status().window_count == 1);
  CHECK(Near(d.status().deployed_mape, 20));
  CHECK(Near(d.status().shadow_mape, 10));
  // actual 0: no percentage error, but a day of the window
  REQUIRE(d.Observe(kDay + 1, 0, 5, 1).ok());
  CHECK(d.status().window_days == 2);
  CHECK(d.status().window_count == 1);
  CHECK(Near(d.status().deployed_mape, 20));
  // actual 20, forecasts 15 / 20: APE 25 / 0 -> (20 + 25) / 2, (10 + 0) / 2
  REQUIRE(d.Observe(kDay + 2, 20, 15, 20).ok());
  CHECK(Near(d.status().deployed_mape, 22.5));
  CHECK(Near(d.status().shadow_mape, 5));
  // actual 4, forecasts 5 / 4: APE 25 / 0; the first day leaves the window -> (25 + 25) / 2
  REQUIRE(d.Observe(kDay + 3, 4, 5, 4).ok());
  CHECK(d.status().days == 4);
  CHECK(d.status().window_days == 3);
  CHECK(d.status().window_count == 2);
  CHECK(Near(d.status().deployed_mape, 25));
  CHECK(Near(d.status().shadow_mape, 0));
}

TEST_CASE("drift: the rolling MAPE equals eval/metrics.h's MAPE of the window's days", "[monitor]") {
  DriftOptions o;
  o.window = 28;
  SeriesDrift d = Make(o);
  std::vector<float> actual, forecast;
  for (int i = 0; i < 100; ++i) {
    const float a = static_cast<float>((i * 37) % 23);  // includes zeros
    const float f = static_cast<float>(10 + (i * 11) % 7) + 0.25f;
    actual.push_back(a);
    forecast.push_back(f);
    REQUIRE(d.Observe(kDay + i, a, f, 0).ok());
    const size_t from = actual.size() > 28 ? actual.size() - 28 : 0;
    const Metrics m = ComputeMetrics(actual.data() + from, forecast.data() + from, actual.size() - from);
    CHECK(d.status().window_count == m.mape_count);
    CHECK(std::fabs(d.status().deployed_mape - m.mape) <= 1e-12 * m.mape);  // same terms, another order
  }
}

TEST_CASE("drift: the shadow rule flags deployed MAPE > shadow MAPE + margin on a full window", "[monitor]") {
  DriftOptions o;
  o.window = 4;
  o.margin = 10;
  o.shadow = true;
  SeriesDrift d = Make(o);
  // Deployed APE 30, shadow APE 10 every day: 30 > 10 + 10, but only once the window is full.
  for (int i = 0; i < 3; ++i) {
    REQUIRE(d.Observe(kDay + i, 100, 130, 110).ok());
    CHECK_FALSE(d.status().flagged);
  }
  REQUIRE(d.Observe(kDay + 3, 100, 130, 110).ok());
  CHECK(d.status().flagged);
  CHECK(d.status().vs_shadow);
  CHECK_FALSE(d.status().vs_baseline);  // no baseline given, none calibrated
  CHECK(d.status().flags_raised == 1);
  CHECK(d.status().flagged_since == kDay + 3);
  CHECK(d.status().first_flag_day == kDay + 3);
  // Exactly at the margin is not over it: deployed 20 vs shadow 10 + 10 once the window holds only such days.
  for (int i = 4; i < 8; ++i) REQUIRE(d.Observe(kDay + i, 100, 120, 110).ok());
  CHECK_FALSE(d.status().flagged);
  CHECK(d.status().flags_raised == 1);
  // A second episode.
  for (int i = 8; i < 12; ++i) REQUIRE(d.Observe(kDay + i, 100, 140, 100).ok());
  CHECK(d.status().flagged);
  CHECK(d.status().flags_raised == 2);
  CHECK(d.status().flagged_since == kDay + 8);  // deployed (20*3 + 40)/4 = 25 > shadow (10*3 + 0)/4 + 10 at once
  CHECK(d.status().first_flag_day == kDay + 3);
}

TEST_CASE("drift: the baseline rule, given or calibrated", "[monitor]") {
  DriftOptions o;
  o.window = 2;
  o.margin = 5;
  o.baseline_mape = 10;
  SeriesDrift given = Make(o);
  CHECK(given.status().has_baseline);
  REQUIRE(given.Observe(kDay, 100, 116, 0).ok());
  REQUIRE(given.Observe(kDay + 1, 100, 113, 0).ok());  // mean 14.5: not over 10 + 5
  CHECK_FALSE(given.status().flagged);
  REQUIRE(given.Observe(kDay + 2, 100, 120, 0).ok());  // mean 16.5
  CHECK(given.status().flagged);
  CHECK(given.status().vs_baseline);

  DriftOptions c;
  c.window = 2;
  c.margin = 5;
  c.calibration_days = 3;
  SeriesDrift learnt = Make(c);
  REQUIRE(learnt.Observe(kDay, 100, 110, 0).ok());     // APE 10
  REQUIRE(learnt.Observe(kDay + 1, 0, 7, 0).ok());     // no APE, still a calibration day
  CHECK_FALSE(learnt.status().has_baseline);
  REQUIRE(learnt.Observe(kDay + 2, 50, 60, 0).ok());   // APE 20: baseline (10 + 20) / 2 = 15
  CHECK(learnt.status().has_baseline);
  CHECK(Near(learnt.status().baseline_mape, 15));
  REQUIRE(learnt.Observe(kDay + 3, 100, 130, 0).ok()); // window (20 + 30) / 2 = 25 > 15 + 5
  CHECK(learnt.status().flagged);
  CHECK(Near(learnt.status().baseline_mape, 15));      // frozen after calibration
}

TEST_CASE("drift: a window with sales on fewer than half of its days is not judged", "[monitor]") {
  DriftOptions o;
  o.window = 4;
  o.margin = 1;
  o.baseline_mape = 0;
  SeriesDrift d = Make(o);
  REQUIRE(d.Observe(kDay, 0, 5, 0).ok());
  REQUIRE(d.Observe(kDay + 1, 0, 5, 0).ok());
  REQUIRE(d.Observe(kDay + 2, 0, 5, 0).ok());
  REQUIRE(d.Observe(kDay + 3, 10, 20, 0).ok());  // 1 of 4 days with sales: MAPE 100 but not judged
  CHECK(Near(d.status().deployed_mape, 100));
  CHECK_FALSE(d.status().flagged);
  REQUIRE(d.Observe(kDay + 4, 10, 20, 0).ok());  // 2 of 4
  CHECK(d.status().flagged);
}

TEST_CASE("drift: pooled over series, several observations a day, MAPE over every pair of the window", "[monitor]") {
  DriftOptions o;
  o.window = 2;
  o.margin = 5;
  o.pooled = true;
  o.calibration_days = 1;
  SeriesDrift d = Make(o);
  // Day 1, two series: APE 10 and 30; a zero-sales observation adds nothing.
  REQUIRE(d.Observe(kDay, 100, 110, 0).ok());
  REQUIRE(d.Observe(kDay, 10, 13, 0).ok());
  REQUIRE(d.Observe(kDay, 0, 4, 0).ok());
  CHECK(d.status().days == 1);
  CHECK(d.status().window_count == 2);
  CHECK(Near(d.status().deployed_mape, 20));
  CHECK_FALSE(d.status().has_baseline);  // closed by the next day's first observation
  // Day 2: APE 40 and 50: pooled (10 + 30 + 40 + 50) / 4 = 32.5 > baseline 20 + 5
  REQUIRE(d.Observe(kDay + 1, 100, 140, 0).ok());
  CHECK(d.status().has_baseline);
  CHECK(Near(d.status().baseline_mape, 20));
  REQUIRE(d.Observe(kDay + 1, 10, 15, 0).ok());
  CHECK(d.status().days == 2);
  CHECK(d.status().window_count == 4);
  CHECK(Near(d.status().deployed_mape, 32.5));
  CHECK(d.status().flagged);
  // Day 3 pushes day 1 out: (40 + 50 + 0) / 3 = 30
  REQUIRE(d.Observe(kDay + 2, 10, 10, 0).ok());
  CHECK(Near(d.status().deployed_mape, 30));
  CHECK(d.Observe(kDay + 1, 10, 10, 0).message() == "day 2017-07-02 is not after the last observed day 2017-07-03");
}

TEST_CASE("drift: the defaults are those measured in docs/monitoring.md and used by the JS API", "[monitor]") {
  const DriftOptions o;
  CHECK(o.window == 7);
  CHECK(o.margin == 6.0);
  CHECK_FALSE(o.shadow);
  CHECK(o.baseline_mape < 0);
  CHECK(o.calibration_days == 0);
  CHECK_FALSE(o.pooled);
}

TEST_CASE("drift: bad options and observations are refused with their reason", "[monitor]") {
  DriftOptions o;
  o.window = 1;
  CHECK(SeriesDrift::Create(o).status().message() == "monitor window of 1 days is outside 2..365");
  o.window = 366;
  CHECK(SeriesDrift::Create(o).status().message() == "monitor window of 366 days is outside 2..365");
  o.window = 14;
  o.margin = -1;
  CHECK(SeriesDrift::Create(o).status().message() == "monitor margin must be 0..1000 MAPE points");
  o.margin = std::numeric_limits<double>::quiet_NaN();
  CHECK(SeriesDrift::Create(o).status().message() == "monitor margin must be 0..1000 MAPE points");
  o.margin = 8;
  o.baseline_mape = std::numeric_limits<double>::infinity();
  CHECK(SeriesDrift::Create(o).status().message() == "baseline MAPE must be a finite percentage (or negative for none)");
  o.baseline_mape = -1;
  o.calibration_days = 4000;
  CHECK(SeriesDrift::Create(o).status().message() == "calibration of 4000 days is over the cap of 3650");

  DriftOptions good;
  good.shadow = true;
  SeriesDrift d = Make(good);
  REQUIRE(d.Observe(kDay, 10, 10, 10).ok());
  CHECK(d.Observe(kDay, 10, 10, 10).message() == "day 2017-07-01 is not after the last observed day 2017-07-01");
  CHECK(d.Observe(kDay + 1, -1, 10, 10).message() == "actual sales of 2017-07-02 must be a finite number >= 0");
  CHECK(d.Observe(kDay + 1, std::nanf(""), 10, 10).message() == "actual sales of 2017-07-02 must be a finite number >= 0");
  CHECK(d.Observe(kDay + 1, 10, INFINITY, 10).message() == "the deployed model's forecast for 2017-07-02 is not a finite number");
  CHECK(d.Observe(kDay + 1, 10, 10, std::nanf("")).message() == "the shadow model's forecast for 2017-07-02 is not a finite number");
  CHECK(d.status().days == 1);  // nothing recorded by the refused calls
  CHECK(d.Observe(kDay + 1, 10, -3, 10).ok());  // a negative forecast is scored (APE 130)
  CHECK(Near(d.status().deployed_mape, 65));
}

}  // namespace shelfcast

// Forecast requests at and past the documented caps, and the input rule: a window value
// that is NaN, Inf, or that the model's normalisation would send to Inf is refused with a
// message naming the series and position, in single and batch calls alike.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cfloat>
#include <limits>

#include "core/limits.h"
#include "lstm/forecaster.h"
#include "test_util.h"

using namespace shelfcast;
using namespace shelfcast::testing;

namespace {

Forecaster Make(const Model& model) {
  Result<Forecaster> f = Forecaster::Create(model);
  REQUIRE(f.ok());
  return std::move(f).value();
}

}  // namespace

TEST_CASE("horizon and batch caps are enforced", "[lstm][limits]") {
  Forecaster f = Make(RandomModel(4, 6, 1));
  const std::vector<float> sales = RandomSales(6, 1);
  std::vector<float> out(limits::kMaxHorizon + 1);
  Status s = f.Forecast(sales.data(), 6, 0, limits::kMaxHorizon + 1, out.data());
  CHECK(s.code() == StatusCode::kInvalidArgument);
  CHECK(s.message() == "horizon 367 is outside 1..366");
  CHECK(f.Forecast(sales.data(), 6, 0, limits::kMaxHorizon, out.data()).ok());
  // The batch cap is checked before any buffer is read, so a one-row buffer is enough.
  s = f.ForecastBatch(limits::kMaxBatch + 1, sales.data(), nullptr, 1, out.data());
  CHECK(s.code() == StatusCode::kLimitExceeded);
  CHECK(s.message() == "batch of 1048577 series exceeds the cap of 1048576");
}

TEST_CASE("the longest window a model may have forecasts", "[lstm][limits]") {
  Forecaster f = Make(RandomModel(3, limits::kMaxWindow, 2, kCalendarDayOfWeek));
  const std::vector<float> sales = RandomSales(limits::kMaxWindow, 2);
  float out[2];
  REQUIRE(f.Forecast(sales.data(), sales.size(), DaysFromCivil(2017, 6, 1), 2, out).ok());
  CHECK(std::isfinite(out[0]));
  CHECK(std::isfinite(out[1]));
}

TEST_CASE("a NaN or Inf in any series of a batch names that series and position", "[lstm][nan]") {
  Forecaster f = Make(RandomModel(5, 8, 3));
  std::vector<float> sales = RandomSales(200 * 8, 3);
  std::vector<float> out(200);
  sales[137 * 8 + 6] = std::numeric_limits<float>::quiet_NaN();
  Status s = f.ForecastBatch(200, sales.data(), nullptr, 1, out.data());
  CHECK(s.code() == StatusCode::kInvalidArgument);
  CHECK(s.message() == "series 137, window position 6: value is not a finite number");
  sales[137 * 8 + 6] = 1.f;
  sales[199 * 8 + 0] = -std::numeric_limits<float>::infinity();
  CHECK(f.ForecastBatch(200, sales.data(), nullptr, 1, out.data()).message() ==
        "series 199, window position 0: value is not a finite number");
  // The output is untouched by a refused request.
  std::fill(out.begin(), out.end(), 7.f);
  CHECK_FALSE(f.ForecastBatch(200, sales.data(), nullptr, 1, out.data()).ok());
  CHECK(std::count(out.begin(), out.end(), 7.f) == 200);
}

TEST_CASE("a finite value the normalisation would send to Inf is refused", "[lstm][nan]") {
  Model m = RandomModel(4, 5, 4);
  m.norm_offset = 0.f;
  m.norm_scale = 0.25f;  // x / 0.25 overflows for x > FLT_MAX / 4
  Forecaster f = Make(m);
  std::vector<float> sales = {1.f, 2.f, FLT_MAX, 4.f, 5.f};
  float out[1];
  Status s = f.Forecast(sales.data(), 5, 0, 1, out);
  CHECK(s.code() == StatusCode::kInvalidArgument);
  CHECK(s.message() == "series 0, window position 2: value 3.40282e+38 is out of range for the model's normalisation");
  sales[2] = FLT_MAX / 8;
  CHECK(f.Forecast(sales.data(), 5, 0, 1, out).ok());
}

TEST_CASE("window-mean normalisation refuses windows whose mean + offset is not positive", "[lstm][nan]") {
  Model m = RandomModel(4, 4, 5);
  m.norm = NormKind::kWindowMean;
  m.norm_offset = 1.f;
  Forecaster f = Make(m);
  float out[1];
  // Returns outweigh sales: mean -1, + offset 1 = 0, a division by zero.
  const std::vector<float> returns = {-2.f, 0.f, -1.f, -1.f};
  Status s = f.Forecast(returns.data(), 4, 0, 1, out);
  CHECK(s.code() == StatusCode::kInvalidArgument);
  CHECK(s.message() == "series 0: window-mean normalisation needs mean(window) + offset > 0, got 0.000000");
  std::vector<float> batch = {1.f, 2.f, 3.f, 4.f, -9.f, -9.f, -9.f, -9.f};
  float two[2];
  CHECK(f.ForecastBatch(2, batch.data(), nullptr, 1, two).message() ==
        "series 1: window-mean normalisation needs mean(window) + offset > 0, got -8.000000");
  const std::vector<float> small_returns = {-0.5f, 0.f, 0.f, 0.f};  // mean + offset = 0.875
  CHECK(f.Forecast(small_returns.data(), 4, 0, 1, out).ok());
}

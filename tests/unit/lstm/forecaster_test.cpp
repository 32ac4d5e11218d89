// The Forecaster against an independent, deliberately naive double-precision LSTM written
// from the Keras formulas in this file (no shared code with the runtime but the Model
// struct), and SIMD kernels against the reference kernels end to end.
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>

#include "lstm/forecaster.h"
#include "test_util.h"

using namespace shelfcast;
using namespace shelfcast::testing;

namespace {

double Sigmoid(double x) { return 1.0 / (1.0 + std::exp(-x)); }

// Keras LSTM(units) over rows of inputs x[t][f], then the Dense head; returns y'.
std::vector<double> NaiveForecast(const Model& m, const std::vector<float>& sales, DayNumber first_day,
                                  uint32_t horizon) {
  const Layer& lstm = m.layers[0];
  const Layer& dense = m.layers[1];
  const size_t H = lstm.units, F = lstm.inputs, T = m.window;
  const std::vector<float> W = lstm.Find(TensorRole::kKernel)->ToDense();
  const std::vector<float> U = lstm.Find(TensorRole::kRecurrentKernel)->ToDense();
  const std::vector<float> B = lstm.Find(TensorRole::kBias)->ToDense();
  const std::vector<float> Wd = dense.Find(TensorRole::kKernel)->ToDense();
  const float bd = dense.Find(TensorRole::kBias)->dense[0];
  double offset = m.norm_offset, scale = m.norm_scale;
  if (m.norm == NormKind::kWindowMean) {
    double s = 0;
    for (float v : sales) s += v;
    offset = 0;
    scale = s / T + m.norm_offset;
  }
  std::vector<double> h(H, 0.0), c(H, 0.0), out;
  double y = 0;
  for (size_t step = 0; step < T + horizon - 1; ++step) {
    std::vector<double> x(F, 0.0);
    x[0] = step < T ? (sales[step] - offset) / scale : y;
    const DayNumber next_day = first_day - static_cast<DayNumber>(T) + static_cast<DayNumber>(step) + 1;
    size_t f = 1;
    if (m.calendar & kCalendarDayOfWeek) { x[f + Weekday(next_day)] = 1; f += 7; }
    if (m.calendar & kCalendarMonth) { x[f + CivilFromDays(next_day).month - 1] = 1; f += 12; }
    std::vector<double> z(4 * H);
    for (size_t j = 0; j < 4 * H; ++j) {
      double acc = B[j];
      for (size_t k = 0; k < F; ++k) acc += x[k] * W[k * 4 * H + j];
      for (size_t k = 0; k < H; ++k) acc += h[k] * U[k * 4 * H + j];
      z[j] = acc;
    }
    for (size_t j = 0; j < H; ++j) {
      const double i = Sigmoid(z[j]), fg = Sigmoid(z[H + j]), g = std::tanh(z[2 * H + j]), o = Sigmoid(z[3 * H + j]);
      c[j] = fg * c[j] + i * g;
      h[j] = o * std::tanh(c[j]);
    }
    if (step + 1 >= T) {
      y = bd;
      for (size_t k = 0; k < H; ++k) y += h[k] * Wd[k];
      out.push_back(y * scale + offset);
    }
  }
  return out;
}

}  // namespace

TEST_CASE("forecasts equal an independent double-precision LSTM", "[lstm]") {
  // Float vs double over T steps: errors of ~1e-7 per step, damped by the forget gate;
  // 2e-5 relative on outputs of order 50 leaves a 10x margin over what we observe.
  const DayNumber day = DaysFromCivil(2017, 2, 27);
  for (uint32_t hidden : {1u, 3u, 7u, 8u, 16u, 17u, 33u, 64u, 100u}) {
    for (uint8_t calendar : {uint8_t{kCalendarNone}, uint8_t{kCalendarDayOfWeek | kCalendarMonth}}) {
      for (NormKind norm : {NormKind::kGlobal, NormKind::kWindowMean}) {
        Model model = RandomModel(hidden, 30, hidden * 7 + calendar, calendar);
        model.norm = norm;
        if (norm == NormKind::kWindowMean) model.norm_offset = 1.f;
        const std::vector<float> sales = RandomSales(30, hidden);
        for (bool simd : {false, true}) {
          Result<Forecaster> f = Forecaster::Create(model, KernelOptions{simd});
          REQUIRE(f.ok());
          float out[5];
          REQUIRE(f->Forecast(sales.data(), sales.size(), day, 5, out).ok());
          const std::vector<double> expected = NaiveForecast(model, sales, day, 5);
          for (int k = 0; k < 5; ++k) {
            INFO("hidden=" << hidden << " calendar=" << int(calendar) << " simd=" << simd << " k=" << k);
            REQUIRE(out[k] == Approx(expected[k]).epsilon(2e-5).margin(1e-4));
          }
        }
      }
    }
  }
}

TEST_CASE("a batch gives each series the forecast it gets alone", "[lstm]") {
  for (uint32_t hidden : {3u, 16u, 64u}) {
    const Model model = RandomModel(hidden, 12, hidden, kCalendarDayOfWeek);
    Result<Forecaster> f = Forecaster::Create(model);
    REQUIRE(f.ok());
    for (size_t n : {1u, 2u, 5u, 500u}) {
      const std::vector<float> sales = RandomSales(n * 12, static_cast<uint32_t>(n));
      std::vector<DayNumber> days(n);
      for (size_t i = 0; i < n; ++i) days[i] = DaysFromCivil(2017, 1, 1) + static_cast<DayNumber>(i % 9);
      std::vector<float> batch(n * 3);
      REQUIRE(f->ForecastBatch(n, sales.data(), days.data(), 3, batch.data()).ok());
      for (size_t i = 0; i < n; i += (n > 10 ? 37 : 1)) {
        float one[3];
        REQUIRE(f->Forecast(&sales[i * 12], 12, days[i], 3, one).ok());
        for (int k = 0; k < 3; ++k) {
          INFO("hidden=" << hidden << " n=" << n << " i=" << i << " k=" << k);
          // Batch and single runs use different GEMM tiles (different summation order).
          REQUIRE(batch[i * 3 + k] == Approx(one[k]).epsilon(1e-5).margin(1e-5));
        }
      }
    }
  }
}

TEST_CASE("bad forecast requests are refused with a reason", "[lstm]") {
  Result<Forecaster> f = Forecaster::Create(RandomModel(4, 10, 1, kCalendarMonth));
  REQUIRE(f.ok());
  std::vector<float> sales = RandomSales(10, 1);
  float out[2];
  CHECK(f->Forecast(sales.data(), 9, 0, 1, out).message() == "window has 9 values, the model needs 10");
  CHECK(f->Forecast(sales.data(), 10, DaysFromCivil(2017, 1, 1), 0, out).message() ==
        "horizon 0 is outside 1..366");
  CHECK(f->ForecastBatch(1, sales.data(), nullptr, 1, out).message() ==
        "this model uses calendar features: give the date of the first forecast day");
  CHECK(f->Forecast(sales.data(), 10, -100000, 1, out).message() ==
        "series 0: first forecast day -100000 is outside 1900-01-01..2199-12-31");
  sales[4] = std::numeric_limits<float>::quiet_NaN();
  CHECK(f->Forecast(sales.data(), 10, DaysFromCivil(2017, 1, 1), 1, out).message() ==
        "series 0, window position 4: value is not a finite number");
  sales[4] = std::numeric_limits<float>::infinity();
  CHECK(f->Forecast(sales.data(), 10, DaysFromCivil(2017, 1, 1), 1, out).code() == StatusCode::kInvalidArgument);
}

TEST_CASE("an all-zero window under window-mean normalisation stays finite", "[lstm]") {
  Model model = RandomModel(8, 10, 5);
  model.norm = NormKind::kWindowMean;
  model.norm_offset = 1.f;
  Result<Forecaster> f = Forecaster::Create(model);
  REQUIRE(f.ok());
  std::vector<float> zeros(10, 0.f);
  float out[3];
  REQUIRE(f->Forecast(zeros.data(), 10, 0, 3, out).ok());
  for (float v : out) CHECK(std::isfinite(v));
}

// Stacked LSTM layers (2) with a Dense head, every recurrent activation, end to end:
// the Forecaster against a naive double-precision implementation written here from the
// Keras formulas (no code shared with the runtime but the Model struct).
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <random>

#include "lstm/forecaster.h"
#include "test_util.h"

using namespace shelfcast;
using namespace shelfcast::testing;

namespace {

double Activate(Activation a, double x) {
  switch (a) {
    case Activation::kLinear: return x;
    case Activation::kSigmoid: return 1.0 / (1.0 + std::exp(-x));
    case Activation::kTanh: return std::tanh(x);
    case Activation::kRelu: return std::max(x, 0.0);
    case Activation::kHardSigmoid: return std::min(std::max(0.2 * x + 0.5, 0.0), 1.0);
    case Activation::kHardSigmoidRelu6: return std::min(std::max(x + 3.0, 0.0), 6.0) / 6.0;
  }
  return x;
}

// LSTM(h1, ra) -> LSTM(h2, ra) -> Dense(d, relu) -> Dense(1), weights ~ U(-scale, scale).
Model StackedModel(uint32_t h1, uint32_t h2, uint32_t dense, Activation ra, uint32_t seed,
                   uint8_t calendar = kCalendarNone) {
  Model model;
  model.window = 20;
  model.calendar = calendar;
  model.norm_offset = 50.f;
  model.norm_scale = 20.f;
  model.layers.push_back(MakeLstmLayer(model.input_features(), h1, ra));
  model.layers.push_back(MakeLstmLayer(h1, h2, ra));
  if (dense) {
    model.layers.push_back(MakeDenseLayer(h2, dense, Activation::kRelu));
    model.layers.push_back(MakeDenseLayer(dense, 1, Activation::kLinear));
  } else {
    model.layers.push_back(MakeDenseLayer(h2, 1, Activation::kLinear));
  }
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> u(-0.4f, 0.4f);
  for (Layer& layer : model.layers)
    for (Tensor& t : layer.tensors)
      for (float& v : t.dense) v = u(rng);
  return model;
}

struct NaiveLstm {
  size_t inputs, units;
  Activation ra;
  std::vector<float> w, u, b;
  std::vector<double> h, c;

  explicit NaiveLstm(const Layer& l)
      : inputs(l.inputs), units(l.units), ra(l.recurrent_activation),
        w(l.Find(TensorRole::kKernel)->ToDense()), u(l.Find(TensorRole::kRecurrentKernel)->ToDense()),
        b(l.Find(TensorRole::kBias)->ToDense()), h(units, 0.0), c(units, 0.0) {}

  void Step(const std::vector<double>& x) {
    const size_t n = 4 * units;
    std::vector<double> z(n);
    for (size_t j = 0; j < n; ++j) {
      double acc = b[j];
      for (size_t k = 0; k < inputs; ++k) acc += x[k] * w[k * n + j];
      for (size_t k = 0; k < units; ++k) acc += h[k] * u[k * n + j];
      z[j] = acc;
    }
    for (size_t j = 0; j < units; ++j) {
      const double i = Activate(ra, z[j]), f = Activate(ra, z[units + j]);
      const double g = std::tanh(z[2 * units + j]), o = Activate(ra, z[3 * units + j]);
      c[j] = f * c[j] + i * g;
      h[j] = o * std::tanh(c[j]);
    }
  }
};

std::vector<double> NaiveForecast(const Model& m, const std::vector<float>& sales, DayNumber first_day,
                                  uint32_t horizon) {
  std::vector<NaiveLstm> lstm;
  std::vector<const Layer*> dense;
  for (const Layer& l : m.layers) {
    if (l.kind == LayerKind::kLstm) lstm.emplace_back(l);
    else dense.push_back(&l);
  }
  const double offset = m.norm_offset, scale = m.norm_scale;
  const size_t T = m.window;
  std::vector<double> out;
  double y = 0;
  for (size_t step = 0; step < T + horizon - 1; ++step) {
    std::vector<double> x(m.input_features(), 0.0);
    x[0] = step < T ? (sales[step] - offset) / scale : y;
    const DayNumber next_day = first_day - static_cast<DayNumber>(T) + static_cast<DayNumber>(step) + 1;
    size_t f = 1;
    if (m.calendar & kCalendarDayOfWeek) { x[f + Weekday(next_day)] = 1; f += 7; }
    if (m.calendar & kCalendarMonth) { x[f + CivilFromDays(next_day).month - 1] = 1; f += 12; }
    for (NaiveLstm& l : lstm) {
      l.Step(x);
      x = l.h;
    }
    if (step + 1 < T) continue;
    for (const Layer* d : dense) {
      const std::vector<float> w = d->Find(TensorRole::kKernel)->ToDense();
      const std::vector<float> b = d->Find(TensorRole::kBias)->ToDense();
      std::vector<double> next(d->units);
      for (size_t j = 0; j < d->units; ++j) {
        double acc = b[j];
        for (size_t k = 0; k < d->inputs; ++k) acc += x[k] * w[k * d->units + j];
        next[j] = Activate(d->activation, acc);
      }
      x = next;
    }
    y = x[0];
    out.push_back(y * scale + offset);
  }
  return out;
}

}  // namespace

TEST_CASE("two stacked LSTM layers + Dense head equal a naive double-precision LSTM", "[lstm][stacked]") {
  // Float vs double through two LSTM layers and two Dense layers over 20 + 4 steps:
  // per-step rounding ~1e-7, damped by the forget gates; relu as recurrent activation is
  // unbounded (no damping), hence a wider margin than the single-layer test's.
  const DayNumber day = DaysFromCivil(2017, 3, 30);
  const Activation activations[] = {Activation::kSigmoid, Activation::kHardSigmoid,
                                    Activation::kHardSigmoidRelu6, Activation::kRelu};
  struct Shape { uint32_t h1, h2, dense; uint8_t calendar; };
  const Shape shapes[] = {{1, 1, 0, kCalendarNone}, {3, 5, 8, kCalendarNone}, {16, 8, 8, kCalendarDayOfWeek},
                          {17, 33, 4, kCalendarDayOfWeek | kCalendarMonth}, {64, 32, 8, kCalendarMonth}};
  for (Activation ra : activations) {
    for (const Shape& s : shapes) {
      const Model model = StackedModel(s.h1, s.h2, s.dense, ra, s.h1 * 31 + s.h2, s.calendar);
      REQUIRE(ValidateModel(model).ok());
      const std::vector<float> sales = RandomSales(model.window, s.h1 + s.h2);
      const std::vector<double> expected = NaiveForecast(model, sales, day, 4);
      for (bool simd : {false, true}) {
        Result<Forecaster> f = Forecaster::Create(model, KernelOptions{simd});
        REQUIRE(f.ok());
        float out[4];
        REQUIRE(f->Forecast(sales.data(), sales.size(), day, 4, out).ok());
        for (int k = 0; k < 4; ++k) {
          INFO(ActivationName(ra) << " h1=" << s.h1 << " h2=" << s.h2 << " dense=" << s.dense
                                  << " simd=" << simd << " k=" << k);
          REQUIRE(out[k] == Approx(expected[k]).epsilon(5e-5).margin(2e-4));
        }
      }
    }
  }
}

TEST_CASE("a model file round-trips every recurrent activation", "[lstm][stacked]") {
  for (Activation ra : {Activation::kSigmoid, Activation::kHardSigmoid, Activation::kHardSigmoidRelu6,
                        Activation::kRelu}) {
    const Model model = StackedModel(4, 3, 2, ra, 9);
    const std::vector<uint8_t> bytes = Bytes(model);
    Result<Model> back = ReadModel(bytes.data(), bytes.size());
    REQUIRE(back.ok());
    CHECK(back->layers[0].recurrent_activation == ra);
    CHECK(back->layers[1].recurrent_activation == ra);
  }
}

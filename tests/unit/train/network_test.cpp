// BPTT gradients against central finite differences, in double, for every parameter of
// every tensor kind (LSTM W, U, b of one and of two stacked layers; Dense kernels and
// biases, with a hidden relu/tanh Dense layer); and the trainer's forward pass against
// the runtime's Forecaster on the same weights.
#include <catch2/catch.hpp>

#include <cmath>
#include <map>
#include <string>

#include "lstm/features.h"
#include "lstm/forecaster.h"
#include "test_util.h"
#include "train/network.h"

using namespace shelfcast;
using namespace shelfcast::train;

namespace {

// Loss = sum_b w_b y_b + 0.5 y_b^2: its dL/dy = w_b + y_b exercises both signs.
double LossOf(Network<double>& net, const std::vector<double>& p, size_t n, const std::vector<double>& x,
              const std::vector<double>& w, std::vector<double>* dy = nullptr) {
  std::vector<double> y(n);
  net.Forward(p.data(), n, x.data(), y.data());
  double loss = 0;
  if (dy) dy->resize(n);
  for (size_t b = 0; b < n; ++b) {
    loss += w[b] * y[b] + 0.5 * y[b] * y[b];
    if (dy) (*dy)[b] = w[b] + y[b];
  }
  return loss;
}

// Largest |analytic - numeric| / max(1, |numeric|) per tensor, with central differences
// of step 1e-5: truncation error ~ h^2 |L'''| ~ 1e-10 and rounding ~ 1e-16 / h ~ 1e-11,
// so anything above 1e-7 is a wrong gradient, not numerics.
std::map<std::string, double> GradientErrors(const Model& model, size_t n, uint32_t seed) {
  Network<double> net(model);
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> u(-1, 1);
  std::vector<double> p(net.parameter_count());
  for (double& v : p) v = 0.5 * u(rng);
  std::vector<double> x(static_cast<size_t>(net.steps()) * n * net.input_features());
  for (double& v : x) v = u(rng);
  std::vector<double> w(n);
  for (double& v : w) v = u(rng);

  std::vector<double> dy, grad(p.size(), 0.0);
  LossOf(net, p, n, x, w, &dy);
  net.Backward(dy.data(), grad.data());

  std::map<std::string, double> worst;
  const ParameterLayout layout = ParameterLayout::Of(model);
  const double h = 1e-5;
  for (const ParameterLayout::Entry& e : layout.entries) {
    double& err = worst[TensorName(model, e.layer, e.role)];
    for (size_t i = e.offset; i < e.offset + e.count; ++i) {
      const double keep = p[i];
      p[i] = keep + h;
      const double up = LossOf(net, p, n, x, w);
      p[i] = keep - h;
      const double down = LossOf(net, p, n, x, w);
      p[i] = keep;
      const double numeric = (up - down) / (2 * h);
      err = std::max(err, std::abs(grad[i] - numeric) / std::max(1.0, std::abs(numeric)));
    }
  }
  return worst;
}

void CheckGradients(const Model& model, size_t n, uint32_t seed) {
  const std::map<std::string, double> errors = GradientErrors(model, n, seed);
  CHECK(errors.size() == ParameterLayout::Of(model).entries.size());
  for (const auto& [name, err] : errors) {
    INFO(name << ": max error " << err);
    CHECK(err < 1e-7);
  }
}

}  // namespace

TEST_CASE("BPTT gradients match finite differences: LSTM + Dense(1)", "[train][gradient]") {
  CheckGradients(MakeLstmForecaster(5, 7), 3, 1);
}

TEST_CASE("BPTT gradients match finite differences: calendar inputs", "[train][gradient]") {
  CheckGradients(MakeLstmForecaster(4, 6, kCalendarDayOfWeek | kCalendarMonth), 2, 2);
}

TEST_CASE("BPTT gradients match finite differences: one step, one example", "[train][gradient]") {
  CheckGradients(MakeLstmForecaster(3, 1), 1, 3);
}

TEST_CASE("BPTT gradients match finite differences: two LSTM layers and a Dense head", "[train][gradient]") {
  for (Activation a : {Activation::kTanh, Activation::kRelu, Activation::kLinear}) {
    Model m;
    m.window = 5;
    m.calendar = kCalendarDayOfWeek;
    m.layers.push_back(MakeLstmLayer(m.input_features(), 4));
    m.layers.push_back(MakeLstmLayer(4, 3));
    m.layers.push_back(MakeDenseLayer(3, 6, a));
    m.layers.push_back(MakeDenseLayer(6, 1, Activation::kLinear));
    INFO("hidden Dense activation " << ActivationName(a));
    CheckGradients(m, 3, 4);
  }
}

TEST_CASE("The float network computes the double network's gradient to float precision", "[train][gradient]") {
  const Model model = MakeLstmForecaster(16, 30);
  Network<double> nd(model);
  Network<float> nf(model);
  std::mt19937 rng(5);
  std::uniform_real_distribution<double> u(-1, 1);
  const size_t n = 8;
  std::vector<double> pd(nd.parameter_count()), xd(30 * n), dyd(n);
  for (double& v : pd) v = 0.3 * u(rng);
  for (double& v : xd) v = u(rng);
  for (double& v : dyd) v = u(rng);
  std::vector<float> pf(pd.begin(), pd.end()), xf(xd.begin(), xd.end()), dyf(dyd.begin(), dyd.end());
  std::vector<double> yd(n), gd(pd.size(), 0.0);
  std::vector<float> yf(n), gf(pd.size(), 0.f);
  nd.Forward(pd.data(), n, xd.data(), yd.data());
  nd.Backward(dyd.data(), gd.data());
  nf.Forward(pf.data(), n, xf.data(), yf.data());
  nf.Backward(dyf.data(), gf.data());
  // Float rounding: relative 2^-24 per operation, accumulated over reductions of about
  // (1 + H) * T * n = 4,000 terms and 30 recurrent steps; 1e-4 of the gradient's scale
  // is a generous bound that a wrong index would still blow through.
  double scale = 0;
  for (double g : gd) scale = std::max(scale, std::abs(g));
  for (size_t i = 0; i < gd.size(); ++i) REQUIRE(std::abs(gf[i] - gd[i]) <= 1e-4 * scale);
  for (size_t b = 0; b < n; ++b) CHECK(std::abs(yf[b] - yd[b]) <= 1e-5);
}

TEST_CASE("The trainer's forward pass forecasts what the runtime forecasts", "[train]") {
  for (const uint8_t calendar : {uint8_t{kCalendarNone}, uint8_t{kCalendarDayOfWeek | kCalendarMonth}}) {
    for (const NormKind norm : {NormKind::kGlobal, NormKind::kWindowMean}) {
      Model model = shelfcast::testing::RandomModel(24, 30, 7, calendar);
      model.norm = norm;
      if (norm == NormKind::kWindowMean) model.norm_offset = 1.f;
      const size_t n = 37;
      const std::vector<float> sales = shelfcast::testing::RandomSales(n * 30, 8);
      std::vector<DayNumber> days(n);
      for (size_t b = 0; b < n; ++b) days[b] = DaysFromCivil(2016, 12, 20) + static_cast<DayNumber>(3 * b);

      std::vector<float> x(30 * n * model.input_features());
      std::vector<WindowScale> scale(n);
      const uint32_t f = model.input_features();
      for (size_t b = 0; b < n; ++b) {
        scale[b] = ScaleForWindow(model, &sales[b * 30], 30);
        for (uint32_t t = 0; t < 30; ++t) {
          float* xt = &x[(t * n + b) * f];
          xt[0] = scale[b].Normalise(sales[b * 30 + t]);
          if (f > 1) WriteCalendarFeatures(calendar, days[b] - 30 + static_cast<DayNumber>(t), xt + 1);
        }
      }
      Network<float> net(model);
      std::vector<float> y(n);
      const std::vector<float> p = FlattenParameters(model);
      net.Forward(p.data(), n, x.data(), y.data());

      Forecaster fc = Forecaster::Create(model).value();
      std::vector<float> out(n);
      REQUIRE(fc.ForecastBatch(n, sales.data(), calendar ? days.data() : nullptr, 1, out.data()).ok());
      for (size_t b = 0; b < n; ++b) {
        INFO("calendar " << int(calendar) << " norm " << NormKindName(norm) << " example " << b);
        // Both compute in float with different (accurate to a few ulp) exp/tanh and
        // summation orders; over 30 steps of O(1) state the output differs by ~1e-6
        // relative, then scales by the window's scale.
        CHECK(std::abs(scale[b].Denormalise(y[b]) - out[b]) <= 1e-5f * std::max(1.f, std::abs(out[b])) * 10);
      }
    }
  }
}

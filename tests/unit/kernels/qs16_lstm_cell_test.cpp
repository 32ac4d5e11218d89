// The full-integer LSTM stages: fixed-point multipliers, the Q3.12 -> Q0.15 activation
// tables, and the cell against a float evaluation of the same quantised inputs.
#include <catch2/catch.hpp>

#include <cmath>
#include <random>

#include "kernels/fixedpoint.h"
#include "kernels/qs16-lstm-cell/qs16-lstm-cell.h"

using namespace shelfcast;

TEST_CASE("fixed-point multipliers round to nearest, ties toward +inf", "[kernels][qs16-lstm-cell]") {
  FixedMultiplier f;
  REQUIRE(MakeFixedMultiplier(1.6, &f));
  CHECK(f.m == 1717986918);  // the constant the hard sigmoid uses
  CHECK(f.shift == 1);
  REQUIRE(MakeFixedMultiplier(0.5, &f));
  CHECK(f.m == (1 << 30));
  CHECK(f.shift == 0);
  CHECK(Rescale(3, f) == 2);    // 1.5 -> 2
  CHECK(Rescale(-3, f) == -1);  // -1.5 -> -1 (ties toward +inf)
  CHECK(Rescale(-4, f) == -2);
  REQUIRE(MakeFixedMultiplier(std::ldexp(1.0, -40), &f));  // below 2^-32: exactly 0
  CHECK(f.m == 0);
  CHECK(Rescale(2147483647, f) == 0);
  CHECK_FALSE(MakeFixedMultiplier(std::ldexp(1.0, 30), &f));
  CHECK_FALSE(MakeFixedMultiplier(-1.0, &f));
  CHECK_FALSE(MakeFixedMultiplier(NAN, &f));
  // Against the exact product for many multipliers and values.
  std::mt19937 rng(2);
  for (int t = 0; t < 20000; ++t) {
    const double real = std::ldexp(std::uniform_real_distribution<double>(0.5, 1.0)(rng),
                                   std::uniform_int_distribution<int>(-30, 20)(rng));
    const int32_t x = std::uniform_int_distribution<int32_t>(-(1 << 24), 1 << 24)(rng);
    REQUIRE(MakeFixedMultiplier(real, &f));
    // m carries 31 significant bits: |M_stored - M| <= 2^-31 M, so the result is within
    // 1/2 + |x| M 2^-31 of the exact product.
    const double exact = x * real;
    REQUIRE(std::fabs(static_cast<double>(Rescale(x, f)) - exact) <= 0.5 + std::fabs(exact) * 1e-9 + 1e-9);
  }
}

TEST_CASE("activation tables stay within their stated error of the real functions", "[kernels][qs16-lstm-cell]") {
  // Error budget in Q0.15 steps: table entries rounded (1/2), interpolation error
  // h^2/8 max|f''| with h = 1/32 (sigmoid: 0.1 -> 0.4 steps; tanh: 0.77 -> 3.1 steps),
  // interpolation rounding (1/2). So sigmoid within 1.5 steps, tanh within 4.1.
  double worst_sigmoid = 0, worst_tanh = 0, worst_hard = 0;
  for (int32_t x = -32768; x <= 32767; ++x) {
    const double real = x / 4096.0;
    const double s = 32768.0 / (1.0 + std::exp(-real));
    const double t = 32768.0 * std::tanh(real);
    const double hs = 32768.0 * std::min(1.0, std::max(0.0, 0.2 * real + 0.5));
    worst_sigmoid = std::max(worst_sigmoid, std::fabs(Qs16Sigmoid(static_cast<int16_t>(x)) - std::min(s, 32767.0)));
    worst_tanh = std::max(worst_tanh, std::fabs(Qs16Tanh(static_cast<int16_t>(x)) - std::max(-32767.0, std::min(t, 32767.0))));
    worst_hard = std::max(worst_hard, std::fabs(Qs16HardSigmoid(static_cast<int16_t>(x)) - std::min(hs, 32767.0)));
  }
  INFO("sigmoid " << worst_sigmoid << ", tanh " << worst_tanh << ", hard sigmoid " << worst_hard << " steps");
  CHECK(worst_sigmoid <= 1.5);
  CHECK(worst_tanh <= 4.1);
  CHECK(worst_hard <= 0.5 + 1e-9);  // one rounding of 1.6 x (the multiplier is exact to 2^-31)
  CHECK(Qs16Sigmoid(0) == 16384);
  CHECK(Qs16Tanh(0) == 0);
  CHECK(Qs16Tanh(-32768) == -32767);
  CHECK(Qs16HardSigmoid(-32768) == 0);
  CHECK(Qs16HardSigmoid(32767) == 32767);
}

TEST_CASE("the integer cell follows the float LSTM cell within its quantisation steps", "[kernels][qs16-lstm-cell]") {
  // A float evaluation of the same step from the same int32 accumulators: gates
  // g = acc_x Mx + acc_h Mh + b (real), i f o = sigmoid, c' = f c + i tanh(g_c),
  // h = o tanh(c') / s_h. The integer cell's h_q must be within 2 steps of it: 1/2 from
  // the final rounding, the rest from the Q3.12 gates (+-1/8192), the Q0.15 tables
  // (<= 4 steps of 2^-15) and the Q.F cell rounding (+-2^-(F+1)), each shifting h by
  // well under one h step (s_h = 1/127) here.
  const size_t units = 37;
  for (int frac : {10, 12, 13}) {
    std::mt19937 rng(frac);
    std::vector<FixedMultiplier> mx(4 * units), mh(4 * units);
    std::vector<double> mx_real(4 * units), mh_real(4 * units);
    std::vector<int32_t> bias(4 * units), acc_x(4 * units), acc_h(4 * units);
    for (size_t j = 0; j < 4 * units; ++j) {
      mx_real[j] = std::uniform_real_distribution<double>(0.01, 0.3)(rng);
      mh_real[j] = std::uniform_real_distribution<double>(0.01, 0.3)(rng);
      REQUIRE(MakeFixedMultiplier(mx_real[j], &mx[j]));
      REQUIRE(MakeFixedMultiplier(mh_real[j], &mh[j]));
      bias[j] = std::uniform_int_distribution<int32_t>(-4096, 4096)(rng);
      acc_x[j] = std::uniform_int_distribution<int32_t>(-30000, 30000)(rng);
      acc_h[j] = std::uniform_int_distribution<int32_t>(-60000, 60000)(rng);
    }
    const double s_h = 1.0 / 127.0;
    Qs16LstmCellParams p;
    p.units = units;
    p.input_multiplier = mx.data();
    p.recurrent_multiplier = mh.data();
    p.bias = bias.data();
    p.cell_frac_bits = frac;
    REQUIRE(MakeFixedMultiplier(std::ldexp(1.0, -30) / s_h, &p.hidden_multiplier));
    std::vector<int16_t> c(units), h(units);
    std::vector<double> c_real(units);
    for (size_t u = 0; u < units; ++u) {
      c[u] = static_cast<int16_t>(std::uniform_int_distribution<int>(-(1 << frac), 1 << frac)(rng));
      c_real[u] = std::ldexp(c[u], -frac);
    }
    const Qs16LstmCellVariant* v = Qs16LstmCellFor(Activation::kSigmoid);
    REQUIRE(v != nullptr);
    v->fn(p, acc_x.data(), acc_h.data(), c.data(), h.data());
    for (size_t u = 0; u < units; ++u) {
      auto g = [&](size_t j) {
        const double real = (acc_x[j] * mx_real[j] + acc_h[j] * mh_real[j] + bias[j]) / 4096.0;
        return std::min(std::max(real, -8.0), 32767.0 / 4096.0);
      };
      auto sig = [](double x) { return 1.0 / (1.0 + std::exp(-x)); };
      const double cell = sig(g(units + u)) * c_real[u] + sig(g(u)) * std::tanh(g(2 * units + u));
      const double hq = sig(g(3 * units + u)) * std::tanh(cell) / s_h;
      INFO("F=" << frac << " unit " << u << ": h_q " << h[u] << " vs " << hq << ", c " << std::ldexp(c[u], -frac) << " vs " << cell);
      CHECK(std::fabs(h[u] - hq) <= 2.0);
      CHECK(std::fabs(std::ldexp(c[u], -frac) - cell) <= 8.0 / 32768.0 + std::ldexp(1.0, -frac));
    }
  }
  CHECK(Qs16LstmCellFor(Activation::kRelu) == nullptr);
}

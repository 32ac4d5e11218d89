// Every f32-lstm-cell variant against the scalar reference of its recurrent activation.
// Tolerance 1e-6 absolute: the SIMD tanh is within ~2e-7 absolute and sigmoid within a
// few ulp (kernels/math.h); c and h combine three such terms of magnitude <= 1 each,
// plus |f * c| for the carried cell state (|c| <= 4 here).
#include <catch2/catch.hpp>

#include <cmath>
#include <random>

#include "kernels/f32-lstm-cell/f32-lstm-cell.h"

using namespace shelfcast;

TEST_CASE("f32-lstm-cell variants agree with the reference", "[kernels][f32-lstm-cell]") {
  const size_t sizes[] = {1, 3, 7, 8, 15, 16, 17, 31, 32, 33, 64, 100};
  for (const F32LstmCellVariant& v : F32LstmCellVariants()) {
    const F32LstmCellVariant* ref = F32LstmCellFor(v.recurrent_activation, /*use_simd=*/false);
    REQUIRE(ref != nullptr);
    REQUIRE_FALSE(ref->simd);
    for (size_t units : sizes) {
      std::mt19937 rng(static_cast<uint32_t>(units));
      std::uniform_real_distribution<float> g(-12.f, 12.f), cs(-4.f, 4.f);
      std::vector<float> gates(4 * units), c0(units);
      for (float& x : gates) x = g(rng);
      for (float& x : c0) x = cs(rng);
      std::vector<float> c_ref = c0, c = c0, h_ref(units), h(units + 1, 7.f);
      ref->fn(units, gates.data(), c_ref.data(), h_ref.data());
      v.fn(units, gates.data(), c.data(), h.data());
      for (size_t j = 0; j < units; ++j) {
        INFO(v.name << " units=" << units << " j=" << j);
        REQUIRE(std::fabs(c[j] - c_ref[j]) <= 1e-6f * (1.f + std::fabs(c_ref[j])));
        REQUIRE(std::fabs(h[j] - h_ref[j]) <= 1e-6f);
      }
      REQUIRE(h[units] == 7.f);  // sentinel
    }
  }
}

TEST_CASE("the reference cell computes the Keras formulas", "[kernels][f32-lstm-cell]") {
  // One unit, hand-computed: i = s(0) = .5, f = s(ln 3) = .75, c~ = tanh(0.5), o = s(0) = .5
  const float gates[4] = {0.f, std::log(3.f), 0.5f, 0.f};
  float c = 2.f, h = 0.f;
  F32LstmCellFor(Activation::kSigmoid, false)->fn(1, gates, &c, &h);
  const float expected_c = 0.75f * 2.f + 0.5f * std::tanh(0.5f);
  CHECK(c == Approx(expected_c).epsilon(1e-6));
  CHECK(h == Approx(0.5f * std::tanh(expected_c)).epsilon(1e-6));

  // Hard sigmoid: clamp(0.2x + 0.5): gates 1 -> 0.7, 10 -> 1, -10 -> 0.
  const float hs_gates[4] = {1.f, 10.f, 0.5f, -10.f};
  c = 2.f;
  F32LstmCellFor(Activation::kHardSigmoid, false)->fn(1, hs_gates, &c, &h);
  CHECK(c == Approx(2.f + 0.7f * std::tanh(0.5f)).epsilon(1e-6));
  CHECK(h == 0.f);
}

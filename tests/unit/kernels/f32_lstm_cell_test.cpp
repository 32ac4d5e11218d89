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

TEST_CASE("recurrent activations follow the Keras definitions", "[kernels][f32-lstm-cell]") {
  // With c = 0 and tanh(g_c) = 1 (g_c = 20), the new cell state is ra(g_i): the kernel
  // shows its recurrent activation directly. Expected values are the Keras formulas
  // evaluated by hand: Keras 2 hard_sigmoid = clamp(0.2 x + 0.5, 0, 1), Keras 3
  // hard_sigmoid = relu6(x + 3) / 6, relu = max(x, 0). 2e-7 absolute covers the SIMD
  // tanh(20) (within ~2e-7 of 1, kernels/math.h); the two hard sigmoids differ by up to 1/12.
  struct Point { Activation ra; float x, expected; };
  const Point points[] = {
      {Activation::kHardSigmoid, -3.f, 0.f},        {Activation::kHardSigmoid, -2.5f, 0.f},
      {Activation::kHardSigmoid, -1.f, 0.3f},       {Activation::kHardSigmoid, 0.f, 0.5f},
      {Activation::kHardSigmoid, 1.f, 0.7f},        {Activation::kHardSigmoid, 2.5f, 1.f},
      {Activation::kHardSigmoid, 4.f, 1.f},
      {Activation::kHardSigmoidRelu6, -4.f, 0.f},   {Activation::kHardSigmoidRelu6, -3.f, 0.f},
      {Activation::kHardSigmoidRelu6, -2.5f, 1.f / 12.f}, {Activation::kHardSigmoidRelu6, -1.f, 1.f / 3.f},
      {Activation::kHardSigmoidRelu6, 0.f, 0.5f},   {Activation::kHardSigmoidRelu6, 1.5f, 0.75f},
      {Activation::kHardSigmoidRelu6, 2.5f, 11.f / 12.f}, {Activation::kHardSigmoidRelu6, 3.f, 1.f},
      {Activation::kHardSigmoidRelu6, 7.f, 1.f},
      {Activation::kRelu, -2.f, 0.f},               {Activation::kRelu, 0.25f, 0.25f},
      {Activation::kRelu, 3.5f, 3.5f},
  };
  for (const F32LstmCellVariant& v : F32LstmCellVariants()) {
    for (const Point& p : points) {
      if (p.ra != v.recurrent_activation) continue;
      const float gates[4] = {p.x, 0.f, 20.f, 0.f};
      float c = 0.f, h = 0.f;
      v.fn(1, gates, &c, &h);
      INFO(v.name << " x=" << p.x);
      CHECK(std::fabs(c - p.expected) <= 2e-7f);
    }
  }
  // Every recurrent activation a model file may name has a reference and a SIMD kernel.
  for (Activation ra : {Activation::kSigmoid, Activation::kHardSigmoid, Activation::kHardSigmoidRelu6,
                        Activation::kRelu}) {
    REQUIRE(F32LstmCellFor(ra, false) != nullptr);
    CHECK_FALSE(F32LstmCellFor(ra, false)->simd);
#if SHELFCAST_HAVE_SIMD
    CHECK(F32LstmCellFor(ra, true)->simd);
#endif
  }
}

// qs8-gemm, qs8-spmm and qs8-vcvt: every variant bit-exact with the reference.
// Integer sums are exact, so qs8-gemm and qs8-spmm must equal a plain int64 triple loop
// exactly; qs8-vcvt performs the same float operations in the same order in every
// variant, so its SIMD results must equal the scalar reference bit for bit.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>
#include <random>
#include <string>

#include "kernels/qs8-gemm/qs8-gemm.h"
#include "kernels/qs8-spmm/qs8-spmm.h"
#include "kernels/qs8-vcvt/qs8-vcvt.h"
#include "sparse_test_util.h"

using namespace shelfcast;
using shelfcast::testing::Pruning;

namespace {

constexpr int32_t kSentinel = 0x5EE5EE5;

int8_t RandomInt8(std::mt19937& r) { return static_cast<int8_t>(std::uniform_int_distribution<int>(-127, 127)(r)); }

// Activations in qs8-gemm's layout: kc rounded up to even per row (zero pad), + stride slack.
std::vector<int16_t> RandomActivations(size_t m, size_t k, size_t stride, uint32_t seed) {
  std::mt19937 rng(seed);
  std::vector<int16_t> a(m * stride, 0);
  for (size_t i = 0; i < m; ++i)
    for (size_t kk = 0; kk < k; ++kk) a[i * stride + kk] = RandomInt8(rng);
  return a;
}

std::vector<int32_t> Naive(size_t m, size_t k, size_t n, const std::vector<int16_t>& a, size_t stride,
                           const std::vector<int8_t>& w) {
  std::vector<int32_t> c(m * n);
  for (size_t i = 0; i < m; ++i)
    for (size_t j = 0; j < n; ++j) {
      int64_t acc = 0;
      for (size_t kk = 0; kk < k; ++kk) acc += int64_t{a[i * stride + kk]} * w[kk * n + j];
      c[i * n + j] = static_cast<int32_t>(acc);
    }
  return c;
}

template <typename Run>
void CheckOutput(size_t m, size_t n, const std::vector<int32_t>& expected, Run run) {
  const size_t c_stride = n + 2;
  std::vector<int32_t> c(m * c_stride + 5, kSentinel);
  run(c.data(), c_stride);
  // One assertion per call keeps the sweep fast; the message names the first difference.
  std::string first_difference;
  for (size_t i = 0; i < m && first_difference.empty(); ++i) {
    for (size_t j = 0; j < c_stride && first_difference.empty(); ++j) {
      const int32_t want = j < n ? expected[i * n + j] : kSentinel;
      if (c[i * c_stride + j] != want)
        first_difference = "row " + std::to_string(i) + " column " + std::to_string(j) + ": " +
                           std::to_string(c[i * c_stride + j]) + " != " + std::to_string(want);
    }
  }
  REQUIRE(first_difference == "");
  for (size_t s = m * c_stride; s < c.size(); ++s) REQUIRE(c[s] == kSentinel);
}

}  // namespace

TEST_CASE("qs8-gemm variants equal exact integer dot products", "[kernels][qs8-gemm]") {
  const size_t hidden[] = {1, 3, 7, 8, 15, 16, 17, 31, 32, 33, 64, 100};
  uint32_t seed = 7;
  for (size_t h : hidden) {
    for (size_t m : {1, 2, 5, 500}) {
      for (size_t k : {h, h + 1}) {  // odd and even inner sizes (x part: 1..20 rows, h part: H rows)
        const size_t n = 4 * h;
        std::mt19937 rng(seed++);
        std::vector<int8_t> w(k * n);
        for (int8_t& x : w) x = RandomInt8(rng);
        // Extremes: one column of +127 against activations of -127 must stay exact.
        for (size_t kk = 0; kk < k; ++kk) w[kk * n] = 127;
        const size_t stride = ((k + 1) & ~size_t{1}) + 2;
        std::vector<int16_t> a = RandomActivations(m, k, stride, seed++);
        for (size_t kk = 0; kk < k; ++kk) a[kk] = -127;
        const std::vector<int32_t> expected = Naive(m, k, n, a, stride, w);
        for (const Qs8GemmVariant& v : Qs8GemmVariants()) {
          INFO(v.name << " m=" << m << " k=" << k << " n=" << n);
          const Qs8GemmWeights packed = PackQs8GemmWeights(v.nr, k, n, w.data());
          CheckOutput(m, n, expected, [&](int32_t* c, size_t cs) { Qs8Gemm(v, m, a.data(), stride, packed, c, cs); });
        }
      }
    }
  }
}

TEST_CASE("qs8-spmm variants equal exact integer dot products on pruned weights", "[kernels][qs8-spmm]") {
  const size_t hidden[] = {1, 3, 7, 8, 15, 16, 17, 31, 32, 33, 64, 100};
  const double sparsities[] = {0.0, 0.5, 0.9, 0.99, 1.0};
  uint32_t seed = 11;
  for (size_t h : hidden) {
    for (size_t m : {1, 2, 5, 500}) {
      for (double s : sparsities) {
        for (Pruning p : {Pruning::kUnstructured, Pruning::kBlock1x4}) {
          const size_t k = h + (seed % 2), n = 4 * h;
          const std::vector<int8_t> w = shelfcast::testing::PrunedMatrix<int8_t>(k, n, s, p, seed++, RandomInt8);
          const size_t stride = ((k + 1) & ~size_t{1}) + 4;
          const std::vector<int16_t> a = RandomActivations(m, k, stride, seed++);
          const std::vector<int32_t> expected = Naive(m, k, n, a, stride, w);
          for (const Qs8SpmmVariant& v : Qs8SpmmVariants()) {
            INFO(v.name << " m=" << m << " k=" << k << " n=" << n << " sparsity=" << s);
            const Qs8SpmmWeights packed = PackQs8SpmmWeights(v.nr, k, n, w.data());
            CheckOutput(m, n, expected, [&](int32_t* c, size_t cs) { Qs8Spmm(v, m, a.data(), stride, packed, c, cs); });
          }
        }
      }
    }
  }
}

TEST_CASE("qs8-spmm packing stores only non-zero pair units", "[kernels][qs8-spmm]") {
  // 3 x 4 (rows 0-1 form pair 0, row 2 pair 1 padded with a zero row).
  const std::vector<int8_t> w = {0, 5, 0, 0,  //
                                 0, 0, 0, 0,  //
                                 0, 0, 0, 0};
  const Qs8SpmmWeights p4 = PackQs8SpmmWeights(4, 3, 4, w.data());
  CHECK(p4.kc == 4);
  CHECK(p4.entries == 1);
  CHECK(p4.index == std::vector<uint32_t>{1, 0});
  CHECK(p4.w == std::vector<int8_t>{0, 0, 5, 0, 0, 0, 0, 0});
  const Qs8SpmmWeights p1 = PackQs8SpmmWeights(1, 3, 4, w.data());
  CHECK(p1.index == std::vector<uint32_t>{0, 1, 0, 0, 0});
  CHECK(CountQs8SpmmEntries(1, 3, 4, w.data()) == 1);
}

TEST_CASE("qs8-vcvt quantize follows its formula, and every variant is bit-exact", "[kernels][qs8-vcvt]") {
  const Qs8VcvtVariant& ref = Qs8VcvtVariants().front();
  std::mt19937 rng(3);
  for (size_t n : {1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 33, 64, 65, 100}) {
    for (float magnitude : {1e-6f, 0.3f, 1.f, 250.f}) {
      std::uniform_real_distribution<float> u(-magnitude, magnitude);
      std::vector<float> x(n);
      for (float& v : x) v = u(rng);
      // Ties: values landing exactly on k + 0.5 steps round to even.
      if (n >= 3) {
        x[0] = magnitude;
        x[1] = magnitude * 0.5f / 127.f;   // 0.5 of a step -> 0
        x[2] = -magnitude * 1.5f / 127.f;  // -1.5 steps -> -2
      }
      std::vector<int16_t> q_ref(n, 99);
      const float s_ref = ref.quantize(n, x.data(), q_ref.data());
      float amax = 0.f;
      for (float v : x) amax = std::max(amax, std::fabs(v));
      CHECK(s_ref == amax / 127.f);
      for (size_t k = 0; k < n; ++k) {
        float r = std::nearbyint(x[k] * (127.f / amax));
        r = std::min(127.f, std::max(-127.f, r));
        REQUIRE(q_ref[k] == static_cast<int16_t>(r));
      }
      if (n >= 3) {
        CHECK(q_ref[0] == 127);
        CHECK(std::abs(q_ref[1]) <= 1);  // 0.5 step after rounding of the scale
      }
      for (const Qs8VcvtVariant& v : Qs8VcvtVariants()) {
        INFO(v.name << " n=" << n << " magnitude=" << magnitude);
        std::vector<int16_t> q(n + 1, 99);
        REQUIRE(v.quantize(n, x.data(), q.data()) == s_ref);
        for (size_t k = 0; k < n; ++k) REQUIRE(q[k] == q_ref[k]);
        REQUIRE(q[n] == 99);  // nothing written past n
      }
    }
  }
  for (const Qs8VcvtVariant& v : Qs8VcvtVariants()) {
    const std::vector<float> zeros(9, 0.f);
    std::vector<int16_t> q(9, 5);
    CHECK(v.quantize(9, zeros.data(), q.data()) == 0.f);
    for (int16_t value : q) CHECK(value == 0);
  }
}

TEST_CASE("qs8-vcvt dequantize_accumulate is bit-exact across variants", "[kernels][qs8-vcvt]") {
  const Qs8VcvtVariant& ref = Qs8VcvtVariants().front();
  std::mt19937 rng(5);
  for (size_t n : {1, 3, 4, 7, 16, 17, 256, 257}) {
    std::vector<int32_t> acc(n);
    std::vector<float> w_scale(n), c0(n);
    for (size_t j = 0; j < n; ++j) {
      acc[j] = std::uniform_int_distribution<int32_t>(-2000000, 2000000)(rng);
      w_scale[j] = std::uniform_real_distribution<float>(0.f, 0.02f)(rng);
      c0[j] = std::uniform_real_distribution<float>(-3.f, 3.f)(rng);
    }
    acc[0] = (1 << 24) + 1;  // not representable in float: conversion must round alike
    std::vector<float> expected = c0;
    ref.dequantize_accumulate(n, acc.data(), 0.0123f, w_scale.data(), expected.data());
    for (size_t j = 0; j < n; ++j) REQUIRE(expected[j] == c0[j] + static_cast<float>(acc[j]) * (0.0123f * w_scale[j]));
    for (const Qs8VcvtVariant& v : Qs8VcvtVariants()) {
      std::vector<float> c = c0;
      v.dequantize_accumulate(n, acc.data(), 0.0123f, w_scale.data(), c.data());
      for (size_t j = 0; j < n; ++j) REQUIRE(std::memcmp(&c[j], &expected[j], 4) == 0);
    }
  }
}

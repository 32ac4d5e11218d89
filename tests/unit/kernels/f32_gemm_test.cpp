// Every f32-gemm variant against the reference at sizes around the tiles, with sentinels
// after the output to catch overruns. Tolerance: a K-term float dot product differs
// between two summation orders by at most ~K * eps * sum|a_k w_k| (Higham, ch. 3); we
// allow 2 * (K + 1) * eps * (|bias| + sum|a_k w_k|).
#include <catch2/catch.hpp>

#include <cfloat>
#include <cmath>
#include <random>
#include <string>

#include "kernels/f32-gemm/f32-gemm.h"

using namespace shelfcast;

namespace {

constexpr float kSentinel = 12345.678f;

void CheckVariant(const F32GemmVariant& v, size_t m, size_t n, size_t k, uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> u(-1.f, 1.f);
  const size_t a_stride = k + 3;  // a row stride larger than k: kernels must honour it
  std::vector<float> a(m * a_stride), b(k * n), bias(n);
  for (float& x : a) x = u(rng);
  for (float& x : b) x = u(rng);
  for (float& x : bias) x = u(rng);

  const std::vector<float> packed = PackF32GemmWeights(v.nr, k, n, b.data(), bias.data());
  const size_t c_stride = n + 1;
  std::vector<float> c(m * c_stride + 8, kSentinel);
  F32Gemm(v, m, n, k, a.data(), a_stride, packed.data(), c.data(), c_stride);

  for (size_t i = 0; i < m; ++i) {
    for (size_t j = 0; j < n; ++j) {
      double exact = bias[j], magnitude = std::fabs(bias[j]);
      for (size_t kk = 0; kk < k; ++kk) {
        exact += static_cast<double>(a[i * a_stride + kk]) * b[kk * n + j];
        magnitude += std::fabs(a[i * a_stride + kk] * b[kk * n + j]);
      }
      const double tol = 2.0 * (k + 1) * FLT_EPSILON * magnitude;
      INFO(v.name << " m=" << m << " n=" << n << " k=" << k << " at " << i << "," << j);
      REQUIRE(std::fabs(c[i * c_stride + j] - exact) <= tol);
    }
    REQUIRE(c[i * c_stride + n] == kSentinel);  // the gap column is never written
  }
  for (size_t s = m * c_stride; s < c.size(); ++s) REQUIRE(c[s] == kSentinel);
}

}  // namespace

TEST_CASE("f32-gemm variants agree with exact dot products at awkward sizes", "[kernels][f32-gemm]") {
  const size_t hidden[] = {1, 3, 7, 8, 15, 16, 17, 31, 32, 33, 64, 100};
  for (const F32GemmVariant& v : F32GemmVariants()) {
    for (size_t h : hidden) {
      for (size_t m : {1, 2, 5, 7}) CheckVariant(v, m, 4 * h, 1 + h, static_cast<uint32_t>(h * 31 + m));
    }
    CheckVariant(v, 500, 4 * 64, 65, 99);
    CheckVariant(v, 500, 4 * 17, 18, 98);
  }
}

TEST_CASE("f32-gemm variants are bit-identical for one MR, whatever the row count", "[kernels][f32-gemm]") {
  // Rows beyond mr alias the last valid row; the aliasing must not change any value.
  for (const F32GemmVariant& v : F32GemmVariants()) {
    const size_t n = 40, k = 9;
    std::vector<float> a(7 * k), b(k * n);
    for (size_t i = 0; i < a.size(); ++i) a[i] = std::sin(static_cast<float>(i));
    for (size_t i = 0; i < b.size(); ++i) b[i] = std::cos(static_cast<float>(i));
    const std::vector<float> packed = PackF32GemmWeights(v.nr, k, n, b.data(), nullptr);
    std::vector<float> all(7 * n), one(n);
    F32Gemm(v, 7, n, k, a.data(), k, packed.data(), all.data(), n);
    for (size_t i = 0; i < 7; ++i) {
      F32Gemm(v, 1, n, k, a.data() + i * k, k, packed.data(), one.data(), n);
      for (size_t j = 0; j < n; ++j) REQUIRE(one[j] == all[i * n + j]);
    }
  }
}

TEST_CASE("the batch-1 kernels sum in the reference's order: bit-identical outputs", "[kernels][f32-gemm]") {
  // Every variant adds a_k * w_kj to the bias in ascending k (multiply, then add), so the
  // runtime's choice of GEMV tile (F32GemmForGemv: 1x16 or 1x24 by width) never changes a
  // forecast. Checked on the LSTM-16/32/64 gate shapes and two awkward ones.
  for (size_t h : {3, 16, 17, 32, 64, 100}) {
    const size_t k = 1 + h, n = 4 * h;
    std::mt19937 rng(static_cast<uint32_t>(h));
    std::uniform_real_distribution<float> u(-1.f, 1.f);
    std::vector<float> a(k), b(k * n), bias(n);
    for (float& x : a) x = u(rng);
    for (float& x : b) x = u(rng);
    for (float& x : bias) x = u(rng);
    const F32GemmVariant& ref = F32GemmReference();
    std::vector<float> expected(n);
    F32Gemm(ref, 1, n, k, a.data(), k, PackF32GemmWeights(ref.nr, k, n, b.data(), bias.data()).data(),
            expected.data(), n);
    for (const F32GemmVariant& v : F32GemmVariants()) {
      std::vector<float> c(n);
      F32Gemm(v, 1, n, k, a.data(), k, PackF32GemmWeights(v.nr, k, n, b.data(), bias.data()).data(), c.data(), n);
      INFO(v.name << " h=" << h);
      CHECK(c == expected);
    }
  }
  // The pick: 1x24 where the columns pad by at most 1/16 (LSTM-64), 1x16 below (LSTM-16/32).
#if SHELFCAST_HAVE_SIMD
  CHECK(std::string(F32GemmForGemv(true, 256).name) == "f32_gemm_ukernel_1x24__simd");
  CHECK(std::string(F32GemmForGemv(true, 192).name) == "f32_gemm_ukernel_1x24__simd");
  CHECK(std::string(F32GemmForGemv(true, 128).name) == "f32_gemm_ukernel_1x16__simd");
  CHECK(std::string(F32GemmForGemv(true, 64).name) == "f32_gemm_ukernel_1x16__simd");
#endif
  CHECK(std::string(F32GemmForGemv(false, 256).name) == "f32_gemm_ukernel_1x4__scalar");
}

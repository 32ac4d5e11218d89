// Every f32-spmm variant against the dense f32-gemm reference on the same pruned
// weights, at the awkward sizes (H in {1..100}, K = 1 + H, N = 4H), batches 1, 2, 5, 500
// and sparsities 0 %, 50 %, 90 %, 99 %, 100 % (all zero), unstructured and 1x4-block.
//
// Exact equality, not a tolerance: both kernels start from the bias and add a * w in
// ascending k, one rounding per multiply and per add; the terms the sparse kernel skips
// are a * 0 = +-0, and acc + (+-0) == acc, so the float results are identical (the sign
// of an exact zero may differ, which == ignores). Sentinels after every output row catch
// overruns.
#include <catch2/catch.hpp>

#include <random>
#include <string>

#include "kernels/f32-gemm/f32-gemm.h"
#include "kernels/f32-spmm/f32-spmm.h"
#include "sparse_test_util.h"

using namespace shelfcast;
using shelfcast::testing::Pruning;

namespace {

constexpr float kSentinel = -777.25f;

void CheckAgainstDense(size_t m, size_t h, double sparsity, Pruning pruning, uint32_t seed) {
  const size_t k = 1 + h, n = 4 * h;
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> u(-1.f, 1.f);
  const std::vector<float> w = shelfcast::testing::PrunedMatrix<float>(
      k, n, sparsity, pruning, seed + 1, [](std::mt19937& r) { return std::uniform_real_distribution<float>(-1.f, 1.f)(r); });
  std::vector<float> bias(n);
  for (float& b : bias) b = u(rng);
  const size_t a_stride = k + 2;
  std::vector<float> a(m * a_stride);
  for (float& x : a) x = u(rng);

  const F32GemmVariant& dense = F32GemmReference();
  const std::vector<float> packed = PackF32GemmWeights(dense.nr, k, n, w.data(), bias.data());
  std::vector<float> expected(m * n);
  F32Gemm(dense, m, n, k, a.data(), a_stride, packed.data(), expected.data(), n);

  for (const F32SpmmVariant& v : F32SpmmVariants()) {
    const F32SpmmWeights sparse = PackF32SpmmWeights(v.nr, k, n, w.data(), bias.data());
    const size_t c_stride = n + 3;
    std::vector<float> c(m * c_stride + 5, kSentinel);
    F32Spmm(v, m, a.data(), a_stride, sparse, c.data(), c_stride);
    INFO(v.name << " m=" << m << " H=" << h << " sparsity=" << sparsity
                << (pruning == Pruning::kBlock1x4 ? " (1x4 blocks)" : " (unstructured)"));
    // One assertion per call (not per element) keeps the sweep fast; the message names
    // the first differing element.
    std::string first_difference;
    for (size_t i = 0; i < m && first_difference.empty(); ++i) {
      for (size_t j = 0; j < c_stride && first_difference.empty(); ++j) {
        const float want = j < n ? expected[i * n + j] : kSentinel;
        if (!(c[i * c_stride + j] == want))
          first_difference = "row " + std::to_string(i) + " column " + std::to_string(j) + ": " +
                             std::to_string(c[i * c_stride + j]) + " != " + std::to_string(want);
      }
    }
    REQUIRE(first_difference == "");
    for (size_t s = m * c_stride; s < c.size(); ++s) REQUIRE(c[s] == kSentinel);
  }
}

}  // namespace

TEST_CASE("f32-spmm variants equal the dense f32-gemm reference on pruned weights", "[kernels][f32-spmm]") {
  const size_t hidden[] = {1, 3, 7, 8, 15, 16, 17, 31, 32, 33, 64, 100};
  const double sparsities[] = {0.0, 0.5, 0.9, 0.99, 1.0};
  uint32_t seed = 1;
  for (size_t h : hidden)
    for (size_t m : {1, 2, 5, 500})
      for (double s : sparsities)
        for (Pruning p : {Pruning::kUnstructured, Pruning::kBlock1x4}) CheckAgainstDense(m, h, s, p, seed++);
}

TEST_CASE("f32-spmm packing stores only non-zero blocks", "[kernels][f32-spmm]") {
  // 3 x 8, NR = 4: row 0 has a non-zero in each block, row 1 none, row 2 only in block 1.
  const std::vector<float> w = {1, 0, 0, 0, 0, 0, 0, 2,  //
                                0, 0, 0, 0, 0, 0, 0, 0,  //
                                0, 0, 0, 0, 0, 3, 0, 0};
  const F32SpmmWeights p4 = PackF32SpmmWeights(4, 3, 8, w.data(), nullptr);
  CHECK(p4.entries == 3);
  CHECK(p4.index == std::vector<uint32_t>{1, 0, 2, 0, 2});
  CHECK(p4.values.size() == 2 * 4 + 3 * 4);
  const F32SpmmWeights p1 = PackF32SpmmWeights(1, 3, 8, w.data(), nullptr);
  CHECK(p1.entries == 3);
  CHECK(CountF32SpmmEntries(4, 3, 8, w.data()) == 3);
  const std::vector<float> zero(3 * 8, 0.f);
  CHECK(PackF32SpmmWeights(4, 3, 8, zero.data(), nullptr).entries == 0);
}

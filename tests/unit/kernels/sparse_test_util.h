// Pruned random matrices for the sparse kernel tests: unstructured (each weight zeroed
// with probability `sparsity`) or 1x4-block (each run of 4 consecutive columns of a row
// zeroed together), the two patterns the sparse kernels' packings are built for.
#pragma once

#include <cstdint>
#include <random>
#include <vector>

namespace shelfcast::testing {

enum class Pruning { kUnstructured, kBlock1x4 };

template <typename T, typename Gen>
std::vector<T> PrunedMatrix(size_t rows, size_t cols, double sparsity, Pruning pruning, uint32_t seed,
                            Gen value) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  std::vector<T> w(rows * cols);
  for (T& x : w) x = value(rng);
  for (size_t r = 0; r < rows; ++r) {
    for (size_t c0 = 0; c0 < cols;) {
      const size_t run = pruning == Pruning::kBlock1x4 ? 4 : 1;
      const bool zero = u(rng) < sparsity;
      for (size_t c = c0; c < c0 + run && c < cols; ++c)
        if (zero) w[r * cols + c] = T(0);
      c0 += run;
    }
  }
  return w;
}

}  // namespace shelfcast::testing

// The kernel benchmark cases, shared by the native Google Benchmark binary
// (kernels_gbench.cpp) and the wasm timing harness (kernels_wasm.cpp): one gate matmul
// (or cell / conversion) of an LSTM step for m rows, over every variant of every family
// in their .inc lists, on LSTM-H shapes (K = inputs + H rows of [W; U], N = 4H).
// Sparse cases prune by magnitude-free random masks: unstructured (each weight zero with
// probability s) or 1x4 blocks (each run of 4 output columns of a row zero together).
#pragma once

#include <functional>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "kernels/f32-gemm/f32-gemm.h"
#include "kernels/f32-lstm-cell/f32-lstm-cell.h"
#include "kernels/f32-spmm/f32-spmm.h"
#include "kernels/qs16-lstm-cell/qs16-lstm-cell.h"
#include "kernels/qs8-gemm/qs8-gemm.h"
#include "kernels/qs8-spmm/qs8-spmm.h"
#include "kernels/qs8-vcvt/qs8-vcvt.h"

namespace shelfcast::bench {

struct KernelCase {
  std::string family;   // f32-gemm, f32-spmm, ...
  std::string name;     // variant [sparsity pattern]
  size_t m;             // rows per call
  std::function<void()> run;
};

inline std::vector<float> Pruned(size_t k, size_t n, double sparsity, size_t block, uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> u(-1.f, 1.f);
  std::uniform_real_distribution<double> p(0.0, 1.0);
  std::vector<float> w(k * n);
  for (float& x : w) x = u(rng);
  for (size_t r = 0; r < k; ++r)
    for (size_t c0 = 0; c0 < n; c0 += block)
      if (p(rng) < sparsity)
        for (size_t c = c0; c < c0 + block && c < n; ++c) w[r * n + c] = 0.f;
  return w;
}

inline std::vector<int8_t> ToInt8(const std::vector<float>& w) {
  std::vector<int8_t> q(w.size());
  for (size_t i = 0; i < w.size(); ++i) q[i] = static_cast<int8_t>(w[i] * 127.f);
  return q;
}

inline std::vector<KernelCase> MakeKernelCases(size_t hidden, size_t inputs, const std::vector<size_t>& rows) {
  const size_t k = inputs + hidden, n = 4 * hidden;
  struct Data {
    std::vector<float> a, c, bias, gates, cell, h, vcvt_out;
    std::vector<int16_t> aq, hq, c16;
    std::vector<int32_t> acc, acc2;
    std::vector<FixedMultiplier> mult;
    std::vector<int32_t> bias_q;
    Qs16LstmCellParams params;
  };
  const size_t max_m = 128;
  auto d = std::make_shared<Data>();
  std::mt19937 rng(1);
  std::uniform_real_distribution<float> u(-1.f, 1.f);
  d->a.resize(max_m * k);
  for (float& x : d->a) x = u(rng);
  d->c.resize(max_m * n);
  d->bias.resize(n, 0.1f);
  d->aq.resize(max_m * (k + 1));
  for (int16_t& x : d->aq) x = static_cast<int16_t>(std::uniform_int_distribution<int>(-127, 127)(rng));
  d->acc.resize(max_m * n);
  d->acc2.resize(n, 1000);
  d->gates.resize(n);
  for (float& x : d->gates) x = 2.f * u(rng);
  d->vcvt_out.resize(n, 0.f);
  d->cell.resize(hidden, 0.5f);
  d->h.resize(hidden);
  d->hq.resize(hidden);
  d->c16.resize(hidden, 1000);
  FixedMultiplier m01;
  MakeFixedMultiplier(0.1, &m01);
  d->mult.assign(n, m01);
  d->bias_q.assign(n, 100);
  d->params.units = hidden;
  d->params.input_multiplier = d->mult.data();
  d->params.recurrent_multiplier = d->mult.data();
  d->params.bias = d->bias_q.data();
  d->params.cell_frac_bits = 12;
  MakeFixedMultiplier(std::ldexp(1.0, -30) * 127.0, &d->params.hidden_multiplier);

  const std::vector<float> dense = Pruned(k, n, 0.0, 1, 2);
  struct Pattern { const char* label; double sparsity; size_t block; };
  const Pattern patterns[] = {{"50% unstructured", 0.5, 1}, {"90% unstructured", 0.9, 1},
                              {"50% 1x4 blocks", 0.5, 4}, {"90% 1x4 blocks", 0.9, 4}};
  std::vector<KernelCase> cases;
  for (size_t m : rows) {
    for (const F32GemmVariant& v : F32GemmVariants()) {
      auto w = std::make_shared<std::vector<float>>(PackF32GemmWeights(v.nr, k, n, dense.data(), d->bias.data()));
      cases.push_back({"f32-gemm", v.name, m, [d, w, &v, m, k, n] {
                         F32Gemm(v, m, n, k, d->a.data(), k, w->data(), d->c.data(), n);
                       }});
    }
    for (const Pattern& p : patterns) {
      const std::vector<float> pruned = Pruned(k, n, p.sparsity, p.block, 3);
      for (const F32SpmmVariant& v : F32SpmmVariants()) {
        auto w = std::make_shared<F32SpmmWeights>(PackF32SpmmWeights(v.nr, k, n, pruned.data(), d->bias.data()));
        cases.push_back({"f32-spmm", std::string(v.name) + " [" + p.label + "]", m, [d, w, &v, m, k] {
                           F32Spmm(v, m, d->a.data(), k, *w, d->c.data(), w->nc);
                         }});
      }
    }
    const std::vector<int8_t> q = ToInt8(dense);
    for (const Qs8GemmVariant& v : Qs8GemmVariants()) {
      auto w = std::make_shared<Qs8GemmWeights>(PackQs8GemmWeights(v.nr, k, n, q.data()));
      cases.push_back({"qs8-gemm", v.name, m, [d, w, &v, m, k] {
                         Qs8Gemm(v, m, d->aq.data(), k + 1, *w, d->acc.data(), w->nc);
                       }});
    }
    for (const Pattern& p : patterns) {
      const std::vector<int8_t> pruned = ToInt8(Pruned(k, n, p.sparsity, p.block, 3));
      for (const Qs8SpmmVariant& v : Qs8SpmmVariants()) {
        auto w = std::make_shared<Qs8SpmmWeights>(PackQs8SpmmWeights(v.nr, k, n, pruned.data()));
        cases.push_back({"qs8-spmm", std::string(v.name) + " [" + p.label + "]", m, [d, w, &v, m, k] {
                           Qs8Spmm(v, m, d->aq.data(), k + 1, *w, d->acc.data(), w->nc);
                         }});
      }
    }
    for (const F32LstmCellVariant& v : F32LstmCellVariants()) {
      if (v.recurrent_activation != Activation::kSigmoid) continue;
      cases.push_back({"f32-lstm-cell", v.name, m, [d, &v, m, hidden] {
                         for (size_t i = 0; i < m; ++i) {
                           std::vector<float>& c = d->cell;
                           v.fn(hidden, d->gates.data(), c.data(), d->h.data());
                           for (float& x : c) x *= 0.5f;  // keep the state in range
                         }
                       }});
    }
    for (const Qs16LstmCellVariant& v : Qs16LstmCellVariants()) {
      cases.push_back({"qs16-lstm-cell", v.name, m, [d, &v, m] {
                         for (size_t i = 0; i < m; ++i)
                           v.fn(d->params, d->acc2.data(), d->acc2.data(), d->c16.data(), d->hq.data());
                       }});
    }
    for (const Qs8VcvtVariant& v : Qs8VcvtVariants()) {
      cases.push_back({"qs8-vcvt", v.name, m, [d, &v, m, hidden, n] {
                         for (size_t i = 0; i < m; ++i) {
                           const float s = v.quantize(hidden, d->a.data() + i * hidden, d->aq.data());
                           v.dequantize_accumulate(n, d->acc.data(), s, d->bias.data(), d->vcvt_out.data());
                         }
                       }});
    }
  }
  return cases;
}

}  // namespace shelfcast::bench

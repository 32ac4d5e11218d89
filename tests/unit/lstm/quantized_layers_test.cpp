// The sparse, int8 and full-integer LSTM runtimes end to end:
//  - sparse-f32 models forecast exactly like the same weights stored dense (f32-spmm
//    sums in the same order as f32-gemm, skipping exact zeros);
//  - the int8 gate matmul is bit-exact between SIMD and scalar kernels, equal between
//    int8 and sparse-int8 storage, and within its quantisation error bound of the float
//    gates on the same (dequantised) weights;
//  - the full-integer LSTM is bit-exact between SIMD and scalar kernels and follows the
//    float LSTM on the same weights within a stated number of h quantisation steps.
#include <catch2/catch.hpp>

#include <cfloat>
#include <cmath>
#include <cstring>

#include "compress/compress.h"
#include "lstm/forecaster.h"
#include "lstm/gate_matmuls.h"
#include "lstm/integer_layer.h"
#include "test_util.h"

using namespace shelfcast;
using namespace shelfcast::testing;

namespace {

std::vector<float> ForecastAll(const Model& model, bool simd, size_t n, uint32_t horizon) {
  Result<Forecaster> f = Forecaster::Create(model, KernelOptions{simd});
  REQUIRE(f.ok());
  const std::vector<float> sales = RandomSales(n * model.window, 42);
  std::vector<DayNumber> days(n, DaysFromCivil(2017, 3, 1));
  std::vector<float> out(n * horizon);
  REQUIRE(f->ForecastBatch(n, sales.data(), model.calendar ? days.data() : nullptr, horizon, out.data()).ok());
  return out;
}

std::string Kernels(const Model& model, bool simd) {
  Result<Forecaster> f = Forecaster::Create(model, KernelOptions{simd});
  REQUIRE(f.ok());
  return f->DescribeKernels();
}

Model Pruned(uint32_t hidden, uint32_t seed, double sparsity, uint32_t block) {
  Model m = RandomModel(hidden, 30, seed);
  REQUIRE(PruneByMagnitude(&m, sparsity, block).ok());
  return m;
}

}  // namespace

TEST_CASE("sparse-f32 models forecast exactly like the same weights stored dense", "[lstm][sparse]") {
  const uint32_t hidden[] = {1, 3, 7, 8, 15, 16, 17, 31, 32, 33, 64, 100};
  uint32_t seed = 1;
  for (uint32_t h : hidden) {
    for (double sparsity : {0.5, 0.9, 0.99, 1.0}) {
      for (uint32_t block : {1u, 4u}) {
        const Model dense = Pruned(h, seed++, sparsity, block);
        Model sparse = dense;
        SparsifyWhenSmaller(&sparse);
        REQUIRE(sparse.layers[0].Find(TensorRole::kRecurrentKernel)->encoding == Encoding::kSparseF32);
        for (bool simd : {true, false}) {
          for (size_t n : {1, 5}) {
            INFO("H=" << h << " sparsity=" << sparsity << " block=" << block << " simd=" << simd << " n=" << n);
            REQUIRE(ForecastAll(sparse, simd, n, 3) == ForecastAll(dense, simd, n, 3));
          }
        }
      }
    }
  }
  // Large batches run the 4-row kernels and the 128-row chunks.
  for (uint32_t h : {17u, 64u}) {
    const Model dense = Pruned(h, 99, 0.9, 4);
    Model sparse = dense;
    SparsifyWhenSmaller(&sparse);
    for (bool simd : {true, false}) REQUIRE(ForecastAll(sparse, simd, 500, 2) == ForecastAll(dense, simd, 500, 2));
  }
}

TEST_CASE("the sparse runtime picks f32-spmm when the zeros pay, f32-gemm when not", "[lstm][sparse]") {
  Model blocky = Pruned(64, 3, 0.9, 4), scattered = Pruned(64, 3, 0.5, 1);
  SparsifyWhenSmaller(&blocky);
  SparsifyWhenSmaller(&scattered);
  CHECK_THAT(Kernels(blocky, true), Catch::Contains("f32_spmm_ukernel_1x4__simd (batch 1), f32_spmm_ukernel_4x4__simd (batch)"));
  CHECK_THAT(Kernels(blocky, false), Catch::Contains("f32_spmm_ukernel_1x1__scalar"));
  CHECK_THAT(Kernels(scattered, true), Catch::Contains("f32_gemm_ukernel_1x24__simd"));  // LSTM-64: 1x24 (F32GemmForGemv)
  CHECK_THAT(Kernels(scattered, true), !Catch::Contains("f32_spmm"));
  // Half the 1x4 blocks: the 4-row kernel gains from the zeros, the 1-row one does not.
  Model half = Pruned(64, 3, 0.5, 4);
  SparsifyWhenSmaller(&half);
  CHECK_THAT(Kernels(half, true), Catch::Contains("f32_gemm_ukernel_1x24__simd (batch 1), f32_spmm_ukernel_4x4__simd (batch)"));
}

namespace {

// The gates of one step for rows of [x, h], through a GateMatmul.
std::vector<float> Gates(GateMatmul& g, size_t m, const std::vector<float>& xh, size_t stride, size_t n) {
  std::vector<float> gates(m * n + 4, -1.f);
  g.Run(m, xh.data(), stride, gates.data(), n);
  for (size_t s = m * n; s < gates.size(); ++s) REQUIRE(gates[s] == -1.f);
  gates.resize(m * n);
  return gates;
}

}  // namespace

TEST_CASE("int8 gate matmul: SIMD == scalar bit for bit, and within its quantisation bound of float", "[lstm][int8]") {
  for (uint32_t h : {1u, 3u, 7u, 8u, 15u, 16u, 17u, 31u, 32u, 33u, 64u, 100u}) {
    for (uint8_t calendar : {uint8_t{kCalendarNone}, uint8_t{kCalendarDayOfWeek | kCalendarMonth}}) {
      const Model float_model = RandomModel(h, 30, h + calendar, calendar);
      const Model q = QuantizeInt8(float_model, {}).value();
      const Layer& layer = q.layers[0];
      if (h <= 2) {  // a 1 x 4 or 2 x 8 recurrent kernel is no larger in f16: kept float
        CHECK(layer.Find(TensorRole::kRecurrentKernel)->encoding == Encoding::kF16);
        continue;
      }
      const size_t inputs = layer.inputs, k = inputs + h, n = 4 * static_cast<size_t>(h);
      std::unique_ptr<GateMatmul> simd = MakeInt8GateMatmul(layer, KernelOptions{true}).value();
      std::unique_ptr<GateMatmul> scalar = MakeInt8GateMatmul(layer, KernelOptions{false}).value();
      const std::vector<float> w = layer.Find(TensorRole::kKernel)->ToDense();
      const std::vector<float> u = layer.Find(TensorRole::kRecurrentKernel)->ToDense();
      const std::vector<float> b = layer.Find(TensorRole::kBias)->ToDense();
      const bool x_int8 = layer.Find(TensorRole::kKernel)->encoding == Encoding::kInt8;
      CHECK(x_int8 == (inputs > 2));  // the 1 x 4H kernel stays f16, the 20 x 4H one is int8
      for (size_t m : {1, 2, 5, 17, 500}) {
        const size_t stride = k + 1;
        std::vector<float> xh(m * stride);
        std::mt19937 rng(static_cast<uint32_t>(m * 7 + h));
        std::uniform_real_distribution<float> ux(-3.f, 3.f), uh(-1.f, 1.f);
        for (size_t i = 0; i < m; ++i)
          for (size_t kk = 0; kk < k; ++kk) xh[i * stride + kk] = kk < inputs ? ux(rng) : uh(rng);
        const std::vector<float> a = Gates(*simd, m, xh, stride, n);
        const std::vector<float> r = Gates(*scalar, m, xh, stride, n);
        INFO("H=" << h << " inputs=" << inputs << " m=" << m);
        REQUIRE(std::memcmp(a.data(), r.data(), a.size() * sizeof(float)) == 0);
        // Each activation is off by at most half its row's step (max|part| / 127 / 2),
        // so a gate is off by at most sum_k |w_kj| * step / 2 per quantised part; the
        // float rounding of the sums adds (K + 1) eps |terms| at most.
        for (size_t i = 0; i < m; ++i) {
          float x_max = 0.f, h_max = 0.f;
          for (size_t kk = 0; kk < inputs; ++kk) x_max = std::max(x_max, std::fabs(xh[i * stride + kk]));
          for (size_t kk = 0; kk < h; ++kk) h_max = std::max(h_max, std::fabs(xh[i * stride + inputs + kk]));
          for (size_t j = 0; j < n; ++j) {
            double exact = b[j], bound = 0.0, magnitude = std::fabs(b[j]);
            for (size_t kk = 0; kk < inputs; ++kk) {
              exact += double{xh[i * stride + kk]} * w[kk * n + j];
              magnitude += std::fabs(xh[i * stride + kk] * w[kk * n + j]);
              if (x_int8) bound += std::fabs(w[kk * n + j]) * x_max / 127.0 / 2.0;
            }
            for (size_t kk = 0; kk < h; ++kk) {
              exact += double{xh[i * stride + inputs + kk]} * u[kk * n + j];
              magnitude += std::fabs(xh[i * stride + inputs + kk] * u[kk * n + j]);
              bound += std::fabs(u[kk * n + j]) * h_max / 127.0 / 2.0;
            }
            bound += 2.0 * (k + 1) * FLT_EPSILON * (magnitude + bound);
            REQUIRE(std::fabs(a[i * n + j] - exact) <= bound);
          }
        }
      }
    }
  }
}

TEST_CASE("sparse-int8 storage gives the gates of dense int8, bit for bit", "[lstm][int8][sparse]") {
  for (uint32_t h : {7u, 16u, 33u, 64u}) {
    for (uint32_t block : {1u, 4u}) {
      const Model pruned = Pruned(h, h, 0.9, block);
      QuantizeOptions dense_options;
      dense_options.sparsify = false;
      const Model dense_q = QuantizeInt8(pruned, dense_options).value();
      const Model sparse_q = QuantizeInt8(pruned, {}).value();
      REQUIRE(sparse_q.layers[0].Find(TensorRole::kRecurrentKernel)->encoding == Encoding::kSparseInt8);
      REQUIRE(dense_q.layers[0].Find(TensorRole::kRecurrentKernel)->encoding == Encoding::kInt8);
      for (bool simd : {true, false}) {
        for (size_t n : {1, 5, 130}) {
          INFO("H=" << h << " block=" << block << " simd=" << simd << " n=" << n);
          REQUIRE(ForecastAll(sparse_q, simd, n, 2) == ForecastAll(dense_q, simd, n, 2));
        }
      }
    }
  }
  Model blocky = QuantizeInt8(Pruned(64, 5, 0.9, 4), {}).value();
  CHECK_THAT(Kernels(blocky, true), Catch::Contains("qs8_spmm_ukernel_1x4__simd / qs8_spmm_ukernel_4x4__simd"));
}

namespace {

std::vector<CalibrationWindow> Windows(size_t count, uint32_t window, uint32_t seed) {
  std::vector<CalibrationWindow> out(count);
  for (size_t i = 0; i < count; ++i) out[i].sales = RandomSales(window, seed + static_cast<uint32_t>(i));
  return out;
}

Model FullInteger(const Model& float_model, uint32_t seed) {
  QuantizeOptions o;
  o.mode = QuantizeMode::kFullInteger;
  o.calibration = Windows(64, float_model.window, seed);
  return QuantizeInt8(float_model, o).value();
}

// The full-integer model's weights as float: the reference the integer LSTM follows.
Model Dequantised(const Model& q) {
  Model f = q;
  for (Layer& layer : f.layers) {
    std::vector<Tensor> tensors;
    for (const Tensor& t : layer.tensors) {
      if (t.role == TensorRole::kActivationScales) continue;
      Tensor d;
      d.role = t.role;
      d.rows = t.rows;
      d.cols = t.cols;
      d.dense = t.ToDense();
      tensors.push_back(std::move(d));
    }
    layer.tensors = std::move(tensors);
  }
  return f;
}

}  // namespace

TEST_CASE("full-integer LSTM: SIMD == scalar bit for bit", "[lstm][full-integer]") {
  for (uint32_t h : {1u, 7u, 16u, 33u, 64u}) {
    for (uint8_t calendar : {uint8_t{kCalendarNone}, uint8_t{kCalendarDayOfWeek}}) {
      const Model q = FullInteger(RandomModel(h, 30, h, calendar), h);
      CHECK_THAT(Kernels(q, true), Catch::Contains("(full integer)"));
      for (size_t n : {1, 5, 300}) {
        INFO("H=" << h << " calendar=" << int{calendar} << " n=" << n);
        REQUIRE(ForecastAll(q, true, n, 3) == ForecastAll(q, false, n, 3));
      }
    }
  }
}

TEST_CASE("full-integer LSTM follows the float LSTM on the same weights within 3 h steps", "[lstm][full-integer]") {
  // Stated bound: over a 30-step window on in-range (calibrated) inputs, every h of the
  // integer LSTM stays within 3 steps of s_h of the float LSTM run on the dequantised
  // weights. Per step it rounds x and h to their int8 grids (1/2 step each), the gates
  // to Q3.12, the activations to Q0.15 (<= 4 table steps) and c to Q.F; the recurrence
  // feeds each step's rounding into the next, damped by f < 1, so the errors stay a
  // few steps rather than growing with the window.
  for (uint32_t h : {1u, 3u, 8u, 17u, 32u, 64u}) {
    const Model q = FullInteger(RandomModel(h, 30, 100 + h), 100 + h);
    const Model f = Dequantised(q);
    const Layer& layer = q.layers[0];
    const float s_h = layer.Find(TensorRole::kActivationScales)->dense[1];
    std::unique_ptr<LstmLayerRunner> integer = MakeLstmLayerRunner(layer, KernelOptions{true}).value();
    std::unique_ptr<LstmLayerRunner> reference = MakeLstmLayerRunner(f.layers[0], KernelOptions{false}).value();
    const size_t m = 50;
    integer->Reset(m);
    reference->Reset(m);
    const std::vector<float> sales = RandomSales(m * 30, 7 + h);
    double worst = 0.0;
    std::vector<float> x(m);
    for (size_t step = 0; step < 30; ++step) {
      for (size_t i = 0; i < m; ++i) x[i] = (sales[i * 30 + step] - q.norm_offset) / q.norm_scale;
      integer->Step(m, x.data(), 1);
      reference->Step(m, x.data(), 1);
      for (size_t i = 0; i < m; ++i)
        for (size_t u = 0; u < h; ++u)
          worst = std::max(worst, double{std::fabs(integer->h()[i * integer->h_stride() + u] -
                                            reference->h()[i * reference->h_stride() + u]) / s_h});
    }
    INFO("H=" << h << ": worst |h_int - h_float| = " << worst << " steps of s_h = " << s_h);
    CHECK(worst <= 3.0);
  }
}

TEST_CASE("full-integer state round-trips through GetState / SetState", "[lstm][full-integer]") {
  const Model q = FullInteger(RandomModel(9, 30, 3), 3);
  std::unique_ptr<LstmLayerRunner> r = MakeLstmLayerRunner(q.layers[0], KernelOptions{true}).value();
  r->Reset(2);
  const std::vector<float> x = {0.3f, -1.2f};
  for (int s = 0; s < 5; ++s) r->Step(2, x.data(), 1);
  std::vector<float> state(18), again(18);
  r->GetState(1, state.data());
  r->SetState(0, state.data());
  r->GetState(0, again.data());
  CHECK(state == again);
}

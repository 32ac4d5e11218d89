// Gradual magnitude pruning: masks (exact counts, smallest magnitudes, deterministic
// ties, per-group thresholds), the sparsity allocation and schedule, and an end-to-end
// prune + fine-tune on a small slice of generated data.
#include <catch2/catch.hpp>

#include <cmath>

#include "compress/prune.h"
#include "data/generator.h"
#include "eval/protocol.h"
#include "small_split.h"
#include "train/network.h"
#include "train/trainer.h"

using namespace shelfcast;
using namespace shelfcast::compress;

namespace {

using testing::SmallSplit;

size_t Zeros(const std::vector<float>& p, const PruneGroup& g) {
  size_t z = 0;
  for (size_t i : g.indices) z += p[i] == 0.f;
  return z;
}

}  // namespace

TEST_CASE("Prune groups: one per weight matrix, or one per gate of the LSTM's", "[compress][prune]") {
  const Model m = MakeLstmForecaster(4, 30, kCalendarDayOfWeek);  // W 8x16, U 4x16, K 4x1
  const std::vector<PruneGroup> g = PruneGroups(m, false, true);
  REQUIRE(g.size() == 3);
  CHECK(g[0].name == "lstm0/kernel");
  CHECK(g[0].indices.size() == 8 * 16);
  CHECK(g[1].name == "lstm0/recurrent_kernel");
  CHECK(g[1].indices.front() == 8 * 16 + 0);  // after W in the flat vector
  CHECK(g[2].name == "dense1/kernel");
  CHECK(PruneGroups(m, false, false).size() == 2);
  const std::vector<PruneGroup> gates = PruneGroups(m, true, true);
  REQUIRE(gates.size() == 9);
  CHECK(gates[2].name == "lstm0/kernel[c]");
  // Gate c of W: columns 8..11 of every row of the 8 x 16 kernel.
  CHECK(gates[2].indices.size() == 8 * 4);
  CHECK(gates[2].indices[0] == 8);
  CHECK(gates[2].indices[4] == 16 + 8);
}

TEST_CASE("Magnitude masks zero exactly the smallest fraction of each group", "[compress][prune]") {
  std::vector<float> p = {0.5f, -0.1f, 0.3f, -0.2f, 0.05f, 9.f, /* group 2: */ 1.f, -1.f, 2.f, 0.5f};
  const std::vector<PruneGroup> groups = {{"a", {0, 1, 2, 3, 4}}, {"b", {6, 7, 8, 9}}};
  std::vector<uint8_t> mask;
  MagnitudeMask(groups, {0.6, 0.5}, &p, &mask);
  // Group a: 3 of 5 smallest |p|: 0.05, -0.1, -0.2. Group b: 2 of 4: ties |1| = |-1|
  // broken by position (index 6 < 7), so 0.5 and 1.0 go. Index 5 is in no group.
  CHECK(p == std::vector<float>{0.5f, 0.f, 0.3f, 0.f, 0.f, 9.f, 0.f, -1.f, 2.f, 0.f});
  CHECK(mask == std::vector<uint8_t>{1, 0, 1, 0, 0, 1, 0, 1, 1, 0});
}

TEST_CASE("Block masks zero whole 1 x block runs of a row, smallest L1 norm first", "[compress][prune]") {
  // Group a: 2 rows x 8 columns = four 1x4 blocks with L1 norms 1.0, 0.4, 4.0, 0.8.
  std::vector<float> p = {0.1f, 0.2f, -0.3f, 0.4f, /**/ 0.1f, -0.1f, 0.1f, 0.1f,   //
                          1.f,  1.f,  -1.f,  1.f,  /**/ 0.2f, 0.2f,  -0.2f, 0.2f,  //
                          /* group b (H x 1, width 1): */ 0.3f, -0.1f, 0.2f, 0.4f};
  std::vector<PruneGroup> groups = {{"a", {}, 8}, {"b", {16, 17, 18, 19}, 1}};
  for (size_t i = 0; i < 16; ++i) groups[0].indices.push_back(i);
  std::vector<uint8_t> mask;
  MagnitudeMaskBlocks(groups, {0.5, 0.5}, 4, &p, &mask);
  // a: blocks 1 (0.4) and 3 (0.8) go whole, although block 0 holds smaller single
  // weights (0.1, 0.2). b is 1 wide: weight by weight, the two smallest |p|.
  CHECK(p == std::vector<float>{0.1f, 0.2f, -0.3f, 0.4f, 0.f, 0.f, 0.f, 0.f, 1.f, 1.f, -1.f, 1.f, 0.f, 0.f, 0.f, 0.f,
                                0.3f, 0.f, 0.f, 0.4f});
  CHECK(mask == std::vector<uint8_t>{1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 1, 1, 0, 0, 0, 0, 1, 0, 0, 1});

  // Block 1 is MagnitudeMask; the per-gate groups of an LSTM know their row width.
  std::vector<float> q = {0.5f, -0.1f, 0.3f, -0.2f, 0.05f}, r = q;
  std::vector<uint8_t> mq, mr;
  MagnitudeMaskBlocks({{"a", {0, 1, 2, 3, 4}, 5}}, {0.6}, 1, &q, &mq);
  MagnitudeMask({{"a", {0, 1, 2, 3, 4}}}, {0.6}, &r, &mr);
  CHECK(q == r);
  CHECK(mq == mr);
  const std::vector<PruneGroup> gates = PruneGroups(MakeLstmForecaster(8, 30), true, true);
  CHECK(gates[5].name == "lstm0/recurrent_kernel[f]");
  CHECK(gates[5].row_width == 8);
  CHECK(gates.back().row_width == 1);  // dense1/kernel, 8 x 1
}

TEST_CASE("Sparsity allocation: fixed groups, the rest shares the target", "[compress][prune]") {
  const std::vector<PruneGroup> groups = {{"lstm0/kernel", std::vector<size_t>(100)},
                                          {"lstm0/recurrent_kernel", std::vector<size_t>(800)},
                                          {"dense1/kernel", std::vector<size_t>(100)}};
  const std::vector<double> s = AllocateSparsity(groups, 0.7, {{"lstm0/kernel", 0.0}, {"dense1/kernel", 0.3}});
  CHECK(s[0] == 0.0);
  CHECK(s[2] == 0.3);
  CHECK(s[1] == Approx((0.7 * 1000 - 30) / 800));
  CHECK(AllocateSparsity(groups, 0.5, {}) == std::vector<double>{0.5, 0.5, 0.5});
  CHECK_THROWS_WITH(AllocateSparsity(groups, 0.95, {{"lstm0/kernel", 0.0}, {"dense1/kernel", 0.0}}),
                    "the fixed sparsities leave no way to reach 0.950000 overall (the other matrices would need "
                    "1.187500)");
  CHECK_THROWS_WITH(AllocateSparsity(groups, 0.5, {{"lstm1/kernel", 0.0}}),
                    "no weight matrix named lstm1/kernel (lstm0/kernel, lstm0/recurrent_kernel, dense1/kernel)");
}

TEST_CASE("The polynomial schedule ramps from the initial to the final sparsity", "[compress][prune]") {
  CHECK(PolynomialSparsity(0.0, 0.8, 0.0) == 0.0);
  CHECK(PolynomialSparsity(0.0, 0.8, 1.0) == 0.8);
  CHECK(PolynomialSparsity(0.0, 0.8, 0.5) == Approx(0.8 * (1 - 0.125)));
  CHECK(PolynomialSparsity(0.1, 0.8, 2.0) == 0.8);
  double last = -1;
  for (int k = 0; k <= 20; ++k) {
    const double s = PolynomialSparsity(0.0, 0.9, k / 20.0);
    CHECK(s >= last);
    last = s;
  }
  CHECK_THROWS_WITH(ParsePruneSchedule("linear"), "unknown pruning schedule 'linear' (polynomial, one-shot)");
}

TEST_CASE("Pruning with fine-tuning reaches the sparsity of every group and keeps biases", "[compress][prune]") {
  const ProtocolSplit& s = SmallSplit();
  Model m = MakeLstmForecaster(8, 14);
  train::InitializeModel(&m, 5);
  SetWindowMeanNormalisation(&m);
  train::TrainOptions t;
  t.epochs = 3;
  t.batch = 32;
  t.learning_rate = 1e-2f;
  t.patience = 0;
  const Model trained = train::Trainer(m, s.train, s.validation, t).Fit().model;

  PruneOptions o;
  o.final_sparsity = 0.7;
  o.fixed_sparsity = {{"lstm0/kernel", 0.0}};
  o.prune_epochs = 2;
  o.update_every = 3;
  o.train = t;
  o.train.epochs = 2;
  o.train.learning_rate = 3e-3f;
  const PruneResult r = Prune(trained, s.train, s.validation, o);
  REQUIRE(r.groups.size() == 3);
  const std::vector<float> p = train::FlattenParameters(r.model);
  const std::vector<double> want = AllocateSparsity(r.groups, 0.7, o.fixed_sparsity);
  size_t zeros = 0, weights = 0;
  for (size_t g = 0; g < r.groups.size(); ++g) {
    INFO(r.groups[g].name);
    CHECK(Zeros(p, r.groups[g]) == static_cast<size_t>(std::llround(want[g] * r.groups[g].indices.size())));
    zeros += Zeros(p, r.groups[g]);
    weights += r.groups[g].indices.size();
  }
  CHECK(std::abs(static_cast<double>(zeros) / weights - 0.7) < 0.01);
  for (float b : r.model.layers[0].Find(TensorRole::kBias)->dense) CHECK(b != 0.f);
  CHECK(r.history.size() == 4);
  CHECK(r.history[0].phase == "prune");
  CHECK(r.history[3].phase == "fine-tune");
  CHECK(std::isfinite(r.final_val_mape));
}

TEST_CASE("Block pruning with fine-tuning leaves whole 1x4 blocks of U zero", "[compress][prune]") {
  const ProtocolSplit& s = SmallSplit();
  Model m = MakeLstmForecaster(8, 14);
  train::InitializeModel(&m, 5);
  SetWindowMeanNormalisation(&m);
  PruneOptions o;
  o.final_sparsity = 0.7;
  o.fixed_sparsity = {{"lstm0/kernel", 0.0}};
  o.per_gate = true;
  o.block = 4;
  o.prune_epochs = 1;
  o.update_every = 3;
  o.train.epochs = 1;
  o.train.batch = 32;
  o.train.patience = 0;
  const PruneResult r = Prune(m, s.train, s.validation, o);
  const Tensor& u = *r.model.layers[0].Find(TensorRole::kRecurrentKernel);  // 8 x 32
  size_t zero_blocks = 0;
  for (uint32_t row = 0; row < u.rows; ++row) {
    for (uint32_t c0 = 0; c0 < u.cols; c0 += 4) {
      size_t zeros = 0;
      for (uint32_t c = c0; c < c0 + 4; ++c) zeros += u.dense[row * u.cols + c] == 0.f;
      CHECK((zeros == 0 || zeros == 4));  // a block is pruned whole or kept whole
      zero_blocks += zeros == 4;
    }
  }
  // Every gate group of U (8 rows x 8 columns = 16 blocks) at the shared sparsity.
  const std::vector<double> want = AllocateSparsity(r.groups, 0.7, o.fixed_sparsity);
  CHECK(zero_blocks == 4 * static_cast<size_t>(std::llround(want[4] * 16)));
}

TEST_CASE("Sensitivity: one group at a time, zero sparsity costs nothing", "[compress][prune]") {
  const ProtocolSplit& s = SmallSplit();
  Model m = MakeLstmForecaster(4, 14);
  train::InitializeModel(&m, 6);
  SetWindowMeanNormalisation(&m);
  const std::vector<SensitivityRow> rows = MeasureSensitivity(m, s.train, s.validation, {0.0, 0.9}, false);
  REQUIRE(rows.size() == 6);
  CHECK(rows[0].group == "lstm0/kernel");
  CHECK(rows[0].delta == 0.0);
  CHECK(rows[1].sparsity == 0.9);
  CHECK(rows[1].delta != 0.0);
}

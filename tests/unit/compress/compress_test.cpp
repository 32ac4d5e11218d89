// The compressor: int8 quantisation follows its formula, keeps small matrices in f16,
// reaches the article-size targets; the sparse encoder and the one-shot pruner; the
// calibration-window parser's errors.
#include <catch2/catch.hpp>

#include <cmath>

#include "compress/compress.h"
#include "format/encoding.h"
#include "format/reader.h"
#include "test_util.h"

using namespace shelfcast;
using namespace shelfcast::testing;

TEST_CASE("int8 quantisation: f16 scales first, then weights rounded with the stored scale", "[compress]") {
  const Model f = RandomModel(16, 30, 4);
  const Model q = QuantizeInt8(f, {}).value();
  const Tensor& u = *q.layers[0].Find(TensorRole::kRecurrentKernel);
  const Tensor& u_float = *f.layers[0].Find(TensorRole::kRecurrentKernel);
  REQUIRE(u.encoding == Encoding::kInt8);
  for (uint32_t j = 0; j < u.cols; ++j) {
    float amax = 0.f;
    for (uint32_t k = 0; k < u.rows; ++k) amax = std::max(amax, std::fabs(u_float.dense[k * u.cols + j]));
    REQUIRE(u.scales[j] == RoundToHalf(amax / 127.f));
    for (uint32_t k = 0; k < u.rows; ++k) {
      const float expected = std::min(127.f, std::max(-127.f, std::nearbyint(u_float.dense[k * u.cols + j] / u.scales[j])));
      REQUIRE(u.q[k * u.cols + j] == static_cast<int8_t>(expected));
    }
  }
  // The 1 x 64 input kernel: int8 would be 2 * 64 + 64 = 192 bytes, f16 128: kept f16.
  CHECK(q.layers[0].Find(TensorRole::kKernel)->encoding == Encoding::kF16);
  CHECK(q.layers[0].Find(TensorRole::kBias)->encoding == Encoding::kF16);
  CHECK(q.layers[1].Find(TensorRole::kKernel)->encoding == Encoding::kInt8);  // 16 x 1: 18 < 32 bytes
  CHECK(q.layers[1].Find(TensorRole::kBias)->encoding == Encoding::kF16);
}

TEST_CASE("an LSTM-32 int8 file is at most 5.0 KiB", "[compress]") {
  // 16 header + 16 model + 2 layers * 8 + 5 tensors * 10, then data: kernel f16 1x128
  // (256), recurrent int8 32x128 (2*128 + 4096), bias f16 (256), dense int8 32x1
  // (2 + 32), dense bias f16 (2).
  const Model q = QuantizeInt8(RandomModel(32, 30, 1), {}).value();
  CHECK(Bytes(q).size() == 16 + 16 + 16 + 50 + 256 + 4352 + 256 + 34 + 2);
  CHECK(Bytes(q).size() <= 5120);
}

TEST_CASE("full-integer quantisation adds calibrated activation scales", "[compress][full-integer]") {
  const Model f = RandomModel(8, 30, 2);
  QuantizeOptions o;
  o.mode = QuantizeMode::kFullInteger;
  CHECK(QuantizeInt8(f, o).status().message() == "full-integer quantisation needs calibration windows");
  for (uint32_t i = 0; i < 20; ++i) o.calibration.push_back({RandomSales(30, i), 0});
  const Model q = QuantizeInt8(f, o).value();
  const Layer& lstm = q.layers[0];
  CHECK(lstm.Find(TensorRole::kKernel)->encoding == Encoding::kInt8);  // int8 even at 1 row
  const Tensor* s = lstm.Find(TensorRole::kActivationScales);
  REQUIRE(s != nullptr);
  const std::vector<ActivationRanges> r = MeasureActivationRanges(q, o.calibration).value();
  CHECK(s->dense[0] == RoundToHalf(r[0].input / 127.f));
  CHECK(s->dense[1] == RoundToHalf(r[0].hidden / 127.f));
  CHECK(s->dense[2] >= r[0].cell);
  CHECK((s->dense[2] == 1.f || s->dense[2] / 2 < r[0].cell));  // the smallest power of two that covers
  CHECK(ReadModel(Bytes(q).data(), Bytes(q).size()).ok());
  o.calibration[3].sales.pop_back();
  CHECK(QuantizeInt8(f, o).status().message() == "calibration window 3 has 29 values, the model needs 30");
  Model relu = f;
  relu.layers[0].recurrent_activation = Activation::kRelu;
  o.calibration[3].sales.push_back(1.f);
  CHECK(QuantizeInt8(relu, o).status().message() ==
        "full-integer quantisation: recurrent activation relu has no integer cell");
}

TEST_CASE("magnitude pruning zeroes the smallest blocks of each matrix", "[compress][sparse]") {
  Model m = RandomModel(16, 30, 9);
  const Model before = m;
  REQUIRE(PruneByMagnitude(&m, 0.75, 4).ok());
  for (TensorRole role : {TensorRole::kKernel, TensorRole::kRecurrentKernel}) {
    const Tensor& t = *m.layers[0].Find(role);
    const Tensor& o = *before.layers[0].Find(role);
    size_t zero_blocks = 0, blocks = 0;
    double kept_min = 1e9, pruned_max = 0;
    for (size_t r = 0; r < t.rows; ++r)
      for (size_t c0 = 0; c0 < t.cols; c0 += 4) {
        ++blocks;
        double norm = 0;
        bool zero = true;
        for (size_t c = c0; c < c0 + 4; ++c) {
          norm += std::fabs(o.dense[r * t.cols + c]);
          zero = zero && t.dense[r * t.cols + c] == 0.f;
          if (t.dense[r * t.cols + c] != 0.f) REQUIRE(t.dense[r * t.cols + c] == o.dense[r * t.cols + c]);
        }
        zero_blocks += zero;
        (zero ? pruned_max : kept_min) = zero ? std::max(pruned_max, norm) : std::min(kept_min, norm);
      }
    CHECK(zero_blocks == blocks * 3 / 4);  // 64 blocks x 0.75 (kernel), 256 x 0.75 (recurrent)
    CHECK(pruned_max <= kept_min);
  }
  CHECK(m.layers[0].Find(TensorRole::kBias)->dense == before.layers[0].Find(TensorRole::kBias)->dense);
  CHECK(m.layers[1].Find(TensorRole::kKernel)->dense == before.layers[1].Find(TensorRole::kKernel)->dense);
  CHECK(PruneByMagnitude(&m, 1.5, 1).message() == "sparsity 1.500000 is outside 0..1");
}

TEST_CASE("sparse encodings are chosen only where smaller, values unchanged", "[compress][sparse]") {
  Model m = RandomModel(16, 30, 9);
  REQUIRE(PruneByMagnitude(&m, 0.5, 1).ok());
  Model s = m;
  SparsifyWhenSmaller(&s);
  const Tensor& u = *s.layers[0].Find(TensorRole::kRecurrentKernel);
  CHECK(u.encoding == Encoding::kSparseF32);  // 128 mask + 4 * 512 < 4 * 1024
  CHECK(u.ToDense() == m.layers[0].Find(TensorRole::kRecurrentKernel)->dense);
  CHECK(s.layers[0].Find(TensorRole::kBias)->encoding == Encoding::kF32);
  CHECK(s.layers[1].Find(TensorRole::kKernel)->encoding == Encoding::kF32);  // no zeros
  // int8: sparse-int8 pays from 1/8 zeros on (mask n/8 bytes vs the zeros' n s bytes).
  Model q = QuantizeInt8(m, {}).value();
  CHECK(q.layers[0].Find(TensorRole::kRecurrentKernel)->encoding == Encoding::kSparseInt8);
  SparsifyWhenSmaller(&q);  // idempotent
  CHECK(q.layers[0].Find(TensorRole::kRecurrentKernel)->encoding == Encoding::kSparseInt8);
}

TEST_CASE("calibration windows parse, and errors name the line and field", "[compress]") {
  const auto ok = ParseCalibrationWindows("# comment\n1,2,3\n\n2017-03-01,4,5,6\r\n", 3).value();
  REQUIRE(ok.size() == 2);
  CHECK(ok[0].sales == std::vector<float>{1, 2, 3});
  CHECK(ok[1].first_target_day == DaysFromCivil(2017, 3, 1));
  CHECK(ParseCalibrationWindows("1,2\n", 3).status().message() == "calibration line 1: 2 values, the model's window is 3");
  CHECK(ParseCalibrationWindows("1,2,3\n1,x,3\n", 3).status().message() ==
        "calibration line 2, field 2: 'x' is not a finite number");
  CHECK(ParseCalibrationWindows("2017-02-30,1,2,3\n", 3).status().message() ==
        "calibration line 1, field 1: '2017-02-30' is not a YYYY-MM-DD date");
  CHECK(ParseCalibrationWindows("1,nan,3\n", 3).status().message() ==
        "calibration line 1, field 2: 'nan' is not a finite number");
  CHECK(ParseCalibrationWindows("# nothing\n", 3).status().message() == "the calibration file holds no windows");
}

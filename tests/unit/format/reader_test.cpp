#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>
#include <limits>

#include "format/crc32.h"
#include "format/encoding.h"
#include "format/half.h"
#include "format/reader.h"
#include "test_util.h"

using namespace shelfcast;
using namespace shelfcast::testing;

static std::string ReadError(const std::vector<uint8_t>& file) {
  Result<Model> r = ReadModel(file.data(), file.size());
  REQUIRE_FALSE(r.ok());
  return r.status().message();
}

TEST_CASE("CRC32 matches the standard check value", "[format]") {
  const char* s = "123456789";
  CHECK(Crc32(reinterpret_cast<const uint8_t*>(s), 9) == 0xCBF43926u);
}

TEST_CASE("binary16 conversion is exact where it must be", "[format]") {
  CHECK(HalfToFloat(FloatToHalf(1.f)) == 1.f);
  CHECK(HalfToFloat(FloatToHalf(-2.5f)) == -2.5f);
  CHECK(HalfToFloat(FloatToHalf(65504.f)) == 65504.f);
  CHECK(std::isinf(HalfToFloat(FloatToHalf(1e6f))));
  CHECK(HalfToFloat(FloatToHalf(5.960464477539063e-08f)) == 5.960464477539063e-08f);  // smallest subnormal
  CHECK(RoundToHalf(0.1f) == 0.0999755859375f);
  // Every half value survives half -> float -> half.
  for (uint32_t h = 0; h < 0x10000; ++h) {
    const float f = HalfToFloat(static_cast<uint16_t>(h));
    if (std::isnan(f)) continue;
    REQUIRE(FloatToHalf(f) == h);
  }
}

TEST_CASE("a model survives write then read bit for bit", "[format]") {
  Model model = RandomModel(17, 30, 1, kCalendarDayOfWeek | kCalendarMonth);
  model.horizon = 14;
  const std::vector<uint8_t> file = Bytes(model);
  // Header 16 + model 16 + 2 layers * 8 + 5 tensor headers * 10 + data.
  const size_t params = model.parameter_count();
  CHECK(file.size() == 16 + 16 + 16 + 50 + 4 * params);
  Result<Model> back = ReadModel(file.data(), file.size());
  REQUIRE(back.ok());
  CHECK(back->window == 30);
  CHECK(back->horizon == 14);
  CHECK(back->calendar == (kCalendarDayOfWeek | kCalendarMonth));
  CHECK(back->input_features() == 20);
  CHECK(back->norm_offset == 50.f);
  REQUIRE(back->layers.size() == 2);
  for (size_t li = 0; li < 2; ++li)
    for (size_t ti = 0; ti < model.layers[li].tensors.size(); ++ti)
      CHECK(back->layers[li].tensors[ti].dense == model.layers[li].tensors[ti].dense);
  CHECK(Bytes(*back) == file);
}

TEST_CASE("the article's LSTM-64 float file is its parameter bytes plus 98 bytes", "[format]") {
  const Model model = MakeLstmForecaster(64, 30);
  CHECK(model.parameter_count() == 16961);  // 4h(h+2) + h + 1, protocol.md
  CHECK(Bytes(model).size() == 16961 * 4 + 98);
}

TEST_CASE("every encoding round-trips", "[format]") {
  Model model = RandomModel(8, 5, 2);
  Layer& lstm = model.layers[0];
  Tensor& u = *lstm.Find(TensorRole::kRecurrentKernel);
  const std::vector<float> dense = u.dense;

  SECTION("f16") {
    for (Layer& layer : model.layers)
      for (Tensor& t : layer.tensors) {
        t.encoding = Encoding::kF16;
        for (float& v : t.dense) v = RoundToHalf(v);
      }
  }
  SECTION("sparse f32: every third entry kept") {
    u.encoding = Encoding::kSparseF32;
    u.mask.assign((u.size() + 7) / 8, 0);
    for (size_t i = 0; i < u.size(); i += 3) {
      u.mask[i / 8] |= 1u << (i % 8);
      u.sparse_values.push_back(dense[i]);
    }
    u.dense.clear();
  }
  SECTION("int8 per column") {
    u.encoding = Encoding::kInt8;
    u.scales.assign(u.cols, RoundToHalf(0.01f));
    for (size_t i = 0; i < u.size(); ++i) u.q.push_back(static_cast<int8_t>(static_cast<int>(i % 255) - 127));
    u.dense.clear();
  }
  SECTION("sparse int8") {
    u.encoding = Encoding::kSparseInt8;
    u.scales.assign(u.cols, RoundToHalf(0.02f));
    u.mask.assign((u.size() + 7) / 8, 0);
    for (size_t i = 0; i < u.size(); i += 2) {
      u.mask[i / 8] |= 1u << (i % 8);
      u.q.push_back(static_cast<int8_t>(i % 100));
    }
    u.dense.clear();
  }
  const std::vector<uint8_t> file = Bytes(model);
  Result<Model> back = ReadModel(file.data(), file.size());
  REQUIRE(back.ok());
  const Tensor& ub = *back->layers[0].Find(TensorRole::kRecurrentKernel);
  CHECK(ub.encoding == u.encoding);
  CHECK(ub.ToDense() == u.ToDense());
  CHECK(Bytes(*back) == file);
}

TEST_CASE("sparse encodings beat dense float32 bytes from 40% sparsity", "[format]") {
  Tensor t;
  t.rows = 64;
  t.cols = 256;
  t.encoding = Encoding::kSparseF32;
  t.sparse_values.resize(static_cast<size_t>(0.6 * t.size()));
  const size_t dense_bytes = 4 * t.size();
  CHECK(EncodedTensorBytes(t) < dense_bytes);
}

TEST_CASE("malformed files give distinct, readable errors", "[format]") {
  const std::vector<uint8_t> good = Bytes(RandomModel(16, 30, 3));

  SECTION("empty and short files") {
    CHECK(ReadError({}) == "model file truncated: 0 bytes, the header alone needs 16");
    CHECK(ReadError({good.begin(), good.begin() + 10}) ==
          "model file truncated: 10 bytes, the header alone needs 16");
  }
  SECTION("truncated payload") {
    std::vector<uint8_t> f(good.begin(), good.end() - 100);
    CHECK(ReadError(f) == "model file truncated: header promises " + std::to_string(good.size() - 16) +
                              " payload bytes, the file holds " + std::to_string(good.size() - 116));
  }
  SECTION("trailing bytes") {
    std::vector<uint8_t> f = good;
    f.push_back(0);
    CHECK(ReadError(f) == "model file has 1 unexpected bytes after the payload");
  }
  SECTION("wrong magic") {
    std::vector<uint8_t> f = good;
    f[0] = 'P';
    f[3] = 0x01;
    CHECK(ReadError(f) == "not a shelfcast model file: magic is 'PHC\\x01', expected 'SHCF'");
  }
  SECTION("wrong version") {
    std::vector<uint8_t> f = good;
    PutU16At(&f, 4, 7);
    CHECK(ReadError(f) == "unsupported model format version 7 (this build reads version 1)");
  }
  SECTION("a flipped bit anywhere in the payload") {
    for (size_t at : {size_t{16}, size_t{100}, good.size() - 1}) {
      std::vector<uint8_t> f = good;
      f[at] ^= 0x10;
      CHECK(ReadError(f).rfind("checksum mismatch: payload CRC32 is 0x", 0) == 0);
    }
  }
  SECTION("huge dimensions") {
    std::vector<uint8_t> f = good;
    PutU16At(&f, kFirstLayerOffset + 6, 60000);  // lstm0 units
    FixCrc(&f);
    CHECK(ReadError(f) == "lstm0: 60000 units exceed the cap of 512");
    f = good;
    PutU16At(&f, kWindowOffset, 5000);
    FixCrc(&f);
    CHECK(ReadError(f) == "window of 5000 days is outside 1..1024");
  }
  SECTION("zero dimensions") {
    std::vector<uint8_t> f = good;
    PutU16At(&f, kWindowOffset, 0);
    FixCrc(&f);
    CHECK(ReadError(f) == "window of 0 days is outside 1..1024");
  }
  SECTION("shape inconsistent with the layer") {
    // Claim the kernel is 2 x 64 (same byte count as 1 x 128... not for 16 units): rows=2, cols=32.
    std::vector<uint8_t> f = good;
    PutU16At(&f, kFirstTensorOffset + 2, 2);
    PutU16At(&f, kFirstTensorOffset + 4, 32);
    FixCrc(&f);
    CHECK(ReadError(f) == "lstm0/kernel: shape 2x32 does not match the layer (expected 1x64)");
  }
  SECTION("tensor byte count disagrees with its shape") {
    std::vector<uint8_t> f = good;
    PutU16At(&f, kFirstTensorOffset + 4, 63);
    FixCrc(&f);
    CHECK(ReadError(f) == "lstm0 tensor (role 1): f32 data is 256 bytes, the shape needs 252");
  }
  SECTION("layers that do not chain") {
    Model m = RandomModel(16, 30, 3);
    m.layers[1] = MakeDenseLayer(8, 1, Activation::kLinear);
    CHECK(WriteModel(m).status().message() == "dense1: takes 8 inputs, but the previous layer outputs 16");
  }
  SECTION("non-finite weights") {
    std::vector<uint8_t> f = good;
    const float nan = std::numeric_limits<float>::quiet_NaN();
    std::memcpy(&f[kFirstTensorOffset + 10 + 4 * 5], &nan, 4);
    FixCrc(&f);
    CHECK(ReadError(f) == "lstm0 tensor (role 1): value 5 is not a finite number");
  }
  SECTION("unknown encoding tag") {
    std::vector<uint8_t> f = good;
    f[kFirstTensorOffset + 1] = 9;
    FixCrc(&f);
    CHECK(ReadError(f) == "lstm0 tensor (role 1): unknown tensor encoding 9");
  }
  SECTION("overflow-sized tensor byte count") {
    std::vector<uint8_t> f = good;
    for (int i = 0; i < 4; ++i) f[kFirstTensorOffset + 6 + i] = 0xFF;
    FixCrc(&f);
    CHECK(ReadError(f) == "unexpected end of payload reading tensor data at byte 50: needs 4294967295 bytes, " +
                              std::to_string(good.size() - 50) + " left");
  }
}

TEST_CASE("every truncation of a valid file is rejected without a crash", "[format]") {
  const std::vector<uint8_t> good = Bytes(RandomModel(3, 4, 4, kCalendarMonth));
  for (size_t n = 0; n < good.size(); ++n) {
    std::vector<uint8_t> f(good.begin(), good.begin() + n);
    if (n >= 16) {  // make the header agree with the shorter payload, so parsing is exercised
      const uint32_t payload = static_cast<uint32_t>(n - 16);
      for (int i = 0; i < 4; ++i) f[8 + i] = static_cast<uint8_t>(payload >> (8 * i));
      FixCrc(&f);
    }
    REQUIRE_FALSE(ReadModel(f.data(), f.size()).ok());
  }
}

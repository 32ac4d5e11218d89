// The full-integer LSTM's activation-scales tensor (TensorRole::kActivationScales): it
// round-trips, and every inconsistent use is refused by the reader / ValidateModel with
// a message naming the tensor.
#include <catch2/catch.hpp>

#include <string>

#include "core/file.h"
#include "core/limits.h"
#include "format/encoding.h"
#include "format/reader.h"
#include "test_util.h"

using namespace shelfcast;
using namespace shelfcast::testing;

namespace {

Tensor Int8Of(const Tensor& t, uint32_t seed) {
  Tensor q;
  q.role = t.role;
  q.encoding = Encoding::kInt8;
  q.rows = t.rows;
  q.cols = t.cols;
  q.scales.assign(t.cols, RoundToHalf(0.01f));
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> u(-127, 127);
  for (size_t i = 0; i < t.size(); ++i) q.q.push_back(static_cast<int8_t>(u(rng)));
  return q;
}

Tensor Scales(float input, float hidden, float cell_range) {
  Tensor s;
  s.role = TensorRole::kActivationScales;
  s.encoding = Encoding::kF32;
  s.rows = 1;
  s.cols = kActivationScaleCount;
  s.dense = {input, hidden, cell_range};
  return s;
}

Model FullIntegerModel() {
  Model m = RandomModel(6, 10, 5);
  Layer& lstm = m.layers[0];
  for (Tensor& t : lstm.tensors)
    if (t.role != TensorRole::kBias) t = Int8Of(t, static_cast<uint32_t>(t.role));
  lstm.tensors.push_back(Scales(0.025f, 0.0078125f, 4.f));
  return m;
}

std::string Invalid(const Model& m) {
  const Status s = ValidateModel(m);
  REQUIRE_FALSE(s.ok());
  return s.message();
}

}  // namespace

TEST_CASE("activation scales round-trip and are metadata, not parameters", "[format][full-integer]") {
  const Model m = FullIntegerModel();
  REQUIRE(ValidateModel(m).ok());
  const std::vector<uint8_t> file = Bytes(m);
  Result<Model> back = ReadModel(file.data(), file.size());
  REQUIRE(back.ok());
  const Tensor* s = back->layers[0].Find(TensorRole::kActivationScales);
  REQUIRE(s != nullptr);
  CHECK(s->dense == std::vector<float>{0.025f, 0.0078125f, 4.f});
  CHECK(TensorName(*back, 0, TensorRole::kActivationScales) == "lstm0/activation_scales");
  CHECK(back->parameter_count() == RandomModel(6, 10, 5).parameter_count());
  CHECK(Bytes(*back) == file);
}

TEST_CASE("inconsistent activation scales are refused with a message naming them", "[format][full-integer]") {
  SECTION("shape") {
    Model m = FullIntegerModel();
    Tensor& s = *m.layers[0].Find(TensorRole::kActivationScales);
    s.cols = 2;
    s.dense.pop_back();
    CHECK(Invalid(m) == "lstm0/activation_scales: shape 1x2 does not match the layer (expected 1x3)");
  }
  SECTION("encoding") {
    Model m = FullIntegerModel();
    Tensor& s = *m.layers[0].Find(TensorRole::kActivationScales);
    s = Int8Of(s, 1);
    CHECK(Invalid(m) == "lstm0/activation_scales: activation scales must be f32 or f16, not int8");
  }
  SECTION("scale values") {
    Model m = FullIntegerModel();
    m.layers[0].Find(TensorRole::kActivationScales)->dense[0] = 0.f;
    CHECK(Invalid(m) == "lstm0/activation_scales: input scale 0.000000 is outside 2^-40..256");
    m = FullIntegerModel();
    m.layers[0].Find(TensorRole::kActivationScales)->dense[1] = 1000.f;
    CHECK(Invalid(m) == "lstm0/activation_scales: hidden scale 1000.000000 is outside 2^-40..256");
    m = FullIntegerModel();
    m.layers[0].Find(TensorRole::kActivationScales)->dense[2] = 3.f;
    CHECK(Invalid(m) == "lstm0/activation_scales: cell range 3.000000 is not a power of two in 1..128");
    m.layers[0].Find(TensorRole::kActivationScales)->dense[2] = 256.f;
    CHECK(Invalid(m) == "lstm0/activation_scales: cell range 256.000000 is not a power of two in 1..128");
  }
  SECTION("gate multipliers out of the fixed-point range") {
    Model m = FullIntegerModel();
    m.layers[0].Find(TensorRole::kActivationScales)->dense[0] = 256.f;
    m.layers[0].Find(TensorRole::kKernel)->scales[3] = 1024.f;
    CHECK(Invalid(m) == "lstm0/activation_scales: the scale of lstm0/kernel column 3 times the activation scale "
                        "reaches 2^18, too large for the Q3.12 gates");
  }
  SECTION("float weights") {
    Model m = RandomModel(6, 10, 5);
    m.layers[0].tensors.push_back(Scales(0.025f, 0.0078125f, 4.f));
    CHECK(Invalid(m) == "lstm0/activation_scales: the full-integer LSTM needs int8 weights, lstm0/kernel is f32");
  }
  SECTION("recurrent activation without an integer cell") {
    Model m = FullIntegerModel();
    m.layers[0].recurrent_activation = Activation::kRelu;
    CHECK(Invalid(m) == "lstm0/activation_scales: the full-integer LSTM needs a sigmoid or hard_sigmoid recurrent "
                        "activation, not relu");
  }
  SECTION("in a dense layer, or twice") {
    Model m = FullIntegerModel();
    m.layers[1].tensors.push_back(Scales(0.025f, 0.0078125f, 4.f));
    CHECK(Invalid(m) == "dense1/activation_scales: only LSTM layers have activation scales");
    m = FullIntegerModel();
    m.layers[0].tensors.push_back(Scales(0.025f, 0.0078125f, 4.f));
    CHECK(Invalid(m) == "lstm0/activation_scales: tensor appears more than once");
  }
  SECTION("unknown roles in a file") {
    std::vector<uint8_t> f = Bytes(RandomModel(16, 30, 3));
    f[kFirstTensorOffset] = 5;
    FixCrc(&f);
    const Result<Model> r = ReadModel(f.data(), f.size());
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().message() == "lstm0: unknown tensor role 5");
  }
}

// Fuzz finding model_read crash-3dda6c0d (the shipped full-integer model, a seed): the
// target counted the activation scales as stored parameters. Stored values beside the
// parameters: the weights and biases, plus the 3 scales that are metadata.
TEST_CASE("the shipped full-integer model: 4,385 parameters stored, plus 3 activation scales", "[format][full-integer][fuzz]") {
  const std::string path = std::string(SHELFCAST_SOURCE_DIR) + "/models/lstm32-int8-full.shcf";
  Result<std::vector<uint8_t>> bytes = ReadFileBytes(path, limits::kMaxModelBytes);
  REQUIRE(bytes.ok());
  Result<Model> m = ReadModel(bytes->data(), bytes->size());
  REQUIRE(m.ok());
  size_t parameters = 0, scales = 0;
  for (const Layer& layer : m->layers) {
    for (const Tensor& t : layer.tensors) (t.role == TensorRole::kActivationScales ? scales : parameters) += t.StoredCount();
  }
  CHECK(m->parameter_count() == 4385);  // LSTM-32 + Dense(1): 4 * 32 * (32 + 1) + 4 * 32 + 32 + 1
  CHECK(parameters == 4385);
  CHECK(scales == 3);
}

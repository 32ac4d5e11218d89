// shelfcast against TensorFlow.js on the same weights and windows (golden values made by
// tests/golden/make_lstm_golden.mjs). Tolerance 1e-5 relative: both compute in float32
// with different summation orders and exp implementations; the observed difference is
// ~1e-6.
#include <catch2/catch.hpp>

#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>

#include "lstm/forecaster.h"

using namespace shelfcast;

namespace {

std::vector<float> DecodeFloats(const std::string& b64) {
  static const std::string chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::vector<uint8_t> bytes;
  uint32_t buf = 0;
  int bits = 0;
  for (char c : b64) {
    if (c == '=') break;
    const size_t v = chars.find(c);
    REQUIRE(v != std::string::npos);
    buf = (buf << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      bytes.push_back(static_cast<uint8_t>(buf >> bits));
    }
  }
  REQUIRE(bytes.size() % 4 == 0);
  std::vector<float> out(bytes.size() / 4);
  std::memcpy(out.data(), bytes.data(), bytes.size());
  return out;
}

}  // namespace

TEST_CASE("forecasts equal TensorFlow.js on the same weights within 1e-5 relative", "[lstm][golden]") {
  std::ifstream in(SHELFCAST_SOURCE_DIR "/tests/golden/lstm_tfjs_golden.json");
  REQUIRE(in.good());
  const nlohmann::json golden = nlohmann::json::parse(in);
  REQUIRE(golden["cases"].size() >= 4);
  for (const auto& c : golden["cases"]) {
    const uint32_t hidden = c["hidden"];
    const uint32_t window = c["window"];
    const Activation ra =
        c["recurrent_activation"] == "hard_sigmoid" ? Activation::kHardSigmoid : Activation::kSigmoid;
    Model model = MakeLstmForecaster(hidden, window);
    model.layers[0].recurrent_activation = ra;
    model.norm_offset = c["norm_offset"];
    model.norm_scale = c["norm_scale"];
    model.layers[0].Find(TensorRole::kKernel)->dense = DecodeFloats(c["kernel"]);
    model.layers[0].Find(TensorRole::kRecurrentKernel)->dense = DecodeFloats(c["recurrent_kernel"]);
    model.layers[0].Find(TensorRole::kBias)->dense = DecodeFloats(c["bias"]);
    model.layers[1].Find(TensorRole::kKernel)->dense = DecodeFloats(c["dense_kernel"]);
    model.layers[1].Find(TensorRole::kBias)->dense = DecodeFloats(c["dense_bias"]);
    const std::vector<float> windows = DecodeFloats(c["windows"]);
    const std::vector<float> expected = DecodeFloats(c["outputs"]);
    const size_t n = expected.size();
    REQUIRE(windows.size() == n * window);
    for (bool simd : {false, true}) {
      Result<Forecaster> f = Forecaster::Create(model, KernelOptions{simd});
      REQUIRE(f.ok());
      std::vector<float> out(n);
      REQUIRE(f->ForecastBatch(n, windows.data(), nullptr, 1, out.data()).ok());
      for (size_t i = 0; i < n; ++i) {
        INFO("hidden=" << hidden << " " << c["recurrent_activation"] << " simd=" << simd << " i=" << i);
        REQUIRE(out[i] == Approx(expected[i]).epsilon(1e-5));
      }
    }
  }
}

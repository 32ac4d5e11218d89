// Hostile model files: every case of tests/fuzz/model_cases.h (the fuzz seed corpus)
// gives its exact status and message, and every cap of core/limits.h that a model file
// can hit is enforced with a clear error.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstring>

#include "core/limits.h"
#include "format/reader.h"
#include "fuzz/model_cases.h"
#include "test_util.h"

using namespace shelfcast;
using namespace shelfcast::fuzzing;

TEST_CASE("every seed-corpus model file gives its exact outcome", "[format][hostile]") {
  const std::vector<ModelCase> cases = ModelCases();
  REQUIRE(cases.size() > 100);
  for (const ModelCase& c : cases) {
    DYNAMIC_SECTION(c.name) {
      Result<Model> r = ReadModel(c.bytes.data(), c.bytes.size());
      CHECK(r.status().code() == c.code);
      CHECK(r.status().message() == c.message);
      if (r.ok()) {
        // Valid cases: the independent raw serialiser and the real writer agree.
        Result<std::vector<uint8_t>> written = WriteModel(*r);
        REQUIRE(written.ok());
        CHECK(*written == c.bytes);
      }
    }
  }
}

TEST_CASE("case names are unique file names", "[format][hostile]") {
  std::vector<std::string> names;
  for (const ModelCase& c : ModelCases()) {
    CHECK(c.name.find('/') == std::string::npos);
    names.push_back(c.name);
  }
  std::sort(names.begin(), names.end());
  CHECK(std::adjacent_find(names.begin(), names.end()) == names.end());
}

TEST_CASE("a model file over the 4 MiB cap is refused before it is parsed", "[format][hostile][limits]") {
  std::vector<uint8_t> f = testing::Bytes(testing::RandomModel(4, 5, 1));
  f.resize(limits::kMaxModelBytes + 1, 0);
  FixHeader(&f);
  Result<Model> r = ReadModel(f.data(), f.size());
  CHECK(r.status().code() == StatusCode::kLimitExceeded);
  CHECK(r.status().message() == "model file is 4194305 bytes, over the cap of 4194304");
}

TEST_CASE("the writer refuses a model whose file would exceed the 4 MiB cap", "[format][hostile][limits]") {
  // LSTM-512 in float32: 4 * (1*2048 + 512*2048 + 2048 + 512 + 1) + 98 bytes.
  const Model m = MakeLstmForecaster(512, 30);
  Result<std::vector<uint8_t>> r = WriteModel(m);
  CHECK(r.status().code() == StatusCode::kLimitExceeded);
  CHECK(r.status().message() ==
        "model file would be 4212838 bytes, over the cap of 4194304 (store the weights as f16, int8 or sparse)");
}

TEST_CASE("the largest LSTM the caps allow loads as f16", "[format][hostile][limits]") {
  Model m = MakeLstmForecaster(limits::kMaxHidden, limits::kMaxWindow, kCalendarDayOfWeek | kCalendarMonth);
  m.horizon = limits::kMaxHorizon;
  for (Layer& l : m.layers)
    for (Tensor& t : l.tensors) t.encoding = Encoding::kF16;
  Result<std::vector<uint8_t>> f = WriteModel(m);
  REQUIRE(f.ok());
  CHECK(f->size() <= limits::kMaxModelBytes);
  CHECK(ReadModel(f->data(), f->size()).ok());
}

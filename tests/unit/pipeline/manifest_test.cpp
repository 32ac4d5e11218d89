// The shipped models/manifest.json against the shipped model files, re-evaluated on
// regenerated data (the generator is deterministic: same seed, same sales), and the
// pieces that build it.
#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>

#include "compress/compress.h"
#include "core/file.h"
#include "core/limits.h"
#include "eval/evaluate.h"
#include "format/reader.h"
#include "lstm/forecaster.h"
#include "pipeline/baselines.h"
#include "pipeline/manifest.h"

using namespace shelfcast;
using namespace shelfcast::pipeline;

namespace {

const std::string kModels = std::string(SHELFCAST_SOURCE_DIR) + "/models/";

Json ShippedManifest() {
  std::ifstream in(kModels + "manifest.json");
  REQUIRE(in.good());
  std::stringstream ss;
  ss << in.rdbuf();
  return Json::parse(ss.str());
}

}  // namespace

TEST_CASE("Every shipped model scores the manifest's numbers on regenerated data", "[pipeline][models]") {
  const Json manifest = ShippedManifest();
  const DataSpec spec = DataSpecOf(manifest);
  const SalesData data = RegenerateSales(spec);
  REQUIRE(manifest["models"].size() > 0);
  bool baseline_seen = false;
  for (const Json& row : manifest["models"]) {
    const std::string name = row["name"];
    INFO("model " << name);
    baseline_seen = baseline_seen || name == manifest["baseline_model"];
    Result<std::vector<uint8_t>> bytes = ReadFileBytes(kModels + row["file"].get<std::string>(), limits::kMaxModelBytes);
    REQUIRE(bytes.ok());
    CHECK(bytes->size() == row["file_bytes"].get<size_t>());
    Result<Forecaster> f = Forecaster::Load(bytes->data(), bytes->size());
    REQUIRE(f.ok());
    CHECK(f->window() == row["window"].get<uint32_t>());
    const ProtocolSplit split = SplitFor(data, spec, f->window());
    const Result<Evaluation> e = EvaluateModel(*f, split.test);
    REQUIRE(e.ok());
    // The manifest was written by the same code on the same data; 0.01 points leaves room
    // only for a different float summation order (another compiler or SIMD width).
    CHECK(std::abs(e->pooled.mape - row["mape"].get<double>()) < 0.01);
    CHECK(std::abs(e->pooled.wape - row["wape"].get<double>()) < 0.01);
    CHECK(FactsOf(f->model()).article_param_bytes == row["article_param_bytes"].get<size_t>());
  }
  CHECK(baseline_seen);
}

TEST_CASE("Every shipped model is stored in its smallest lossless encoding", "[pipeline][models]") {
  // Pruned matrices sparse where that is smaller (issue 5: the real file shrinks), int8
  // with zeros sparse-int8 where smaller: re-encoding a shipped file gains no byte.
  const Json manifest = ShippedManifest();
  for (const Json& row : manifest["models"]) {
    const std::string name = row["name"];
    INFO("model " << name);
    Result<std::vector<uint8_t>> bytes = ReadFileBytes(kModels + row["file"].get<std::string>(), limits::kMaxModelBytes);
    REQUIRE(bytes.ok());
    Result<Model> model = ReadModel(bytes->data(), bytes->size());
    REQUIRE(model.ok());
    Model smallest = *model;
    SparsifyWhenSmaller(&smallest);
    Result<std::vector<uint8_t>> rewritten = WriteModel(smallest);
    REQUIRE(rewritten.ok());
    CHECK(rewritten->size() == bytes->size());
    CHECK(row.value("quantization", std::string()) ==
          (row["technique"] == "int8" || row["technique"] == "stacked"
               ? (name.find("-full") != std::string::npos ? "full-integer" : "dynamic")
               : "none"));
  }
}

TEST_CASE("A full-integer model's activation scales are not parameters; rows name the quantisation", "[pipeline]") {
  Model m = MakeLstmForecaster(4, 30);
  for (Layer& l : m.layers)
    for (Tensor& t : l.tensors)
      for (size_t i = 0; i < t.dense.size(); ++i) t.dense[i] = 0.25f * static_cast<float>(i % 5) - 0.5f;
  std::vector<CalibrationWindow> windows(3);
  for (size_t w = 0; w < windows.size(); ++w)
    for (size_t i = 0; i < 30; ++i) windows[w].sales.push_back(static_cast<float>(5 + (i * (w + 1)) % 7));
  QuantizeOptions full;
  full.mode = QuantizeMode::kFullInteger;
  full.calibration = windows;
  const Result<Model> integer = QuantizeInt8(m, full);
  REQUIRE(integer.ok());
  const Result<Model> dynamic = QuantizeInt8(m, {});
  REQUIRE(dynamic.ok());
  // Same weights, same counts: the 1 x 3 scales tensor is metadata.
  CHECK(FactsOf(*integer).parameters == FactsOf(m).parameters);
  CHECK(FactsOf(*integer).precision == "int8");
  CHECK(FactsOf(*dynamic).precision == "mixed");  // the 1 x 16 input kernel stays f16

  Json manifest = {{"baseline_model", "none"}, {"models", Json::array()}};
  ModelRowInput in;
  in.name = "x";
  in.technique = "int8";
  in.model = &*integer;
  CHECK(ModelRow(manifest, in)["quantization"] == "full-integer");
  in.model = &*dynamic;
  CHECK(ModelRow(manifest, in)["quantization"] == "dynamic");
  in.model = &m;
  CHECK(ModelRow(manifest, in)["quantization"] == "none");
}

TEST_CASE("The manifest's trivial baselines are what the baselines compute", "[pipeline][models]") {
  const Json manifest = ShippedManifest();
  const DataSpec spec = DataSpecOf(manifest);
  const SalesData data = RegenerateSales(spec);
  const ProtocolSplit split = SplitFor(data, spec, spec.protocol.window);
  const std::vector<BaselineResult> rows = EvaluateBaselines(data, split.test, true);
  REQUIRE(rows.size() == manifest["baselines"].size());
  for (size_t i = 0; i < rows.size(); ++i) {
    CHECK(rows[i].name == manifest["baselines"][i]["name"]);
    CHECK(std::abs(rows[i].evaluation.pooled.mape - manifest["baselines"][i]["mape"].get<double>()) < 0.01);
  }
}

TEST_CASE("The results table's baselines on generated data, seed 42", "[pipeline]") {
  DataSpec spec;
  const SalesData data = RegenerateSales(spec);
  const ProtocolSplit split = SplitFor(data, spec, 30);
  const std::vector<BaselineResult> rows = EvaluateBaselines(data, split.test, true);
  // Measured with this generator; data-card.md's independent generator gives 18.56,
  // 16.11 and 12.70 (within its stated 0.3 points); protocol.md's simulation 13.95 for
  // the weekday-adjusted 14-day mean.
  REQUIRE(rows.size() == 5);
  CHECK(rows[1].name == "seasonal naive (same weekday last week)");
  CHECK(rows[1].evaluation.pooled.mape == Approx(18.77).margin(0.005));
  CHECK(rows[2].name == "mean of the last 4 same weekdays");
  CHECK(rows[2].evaluation.pooled.mape == Approx(16.24).margin(0.005));
  CHECK(rows[3].evaluation.pooled.mape == Approx(14.13).margin(0.005));
  CHECK(rows[4].evaluation.pooled.mape == Approx(12.82).margin(0.005));
  CHECK_THROWS_WITH(WeekdayAdjustedMeanForecasts(SplitFor(data, spec, 7).test, 14),
                    "the weekday-adjusted mean of 14 days needs a window of at least that many days, not 7");
}

TEST_CASE("Generated blocks are replaced in place or appended", "[pipeline]") {
  const std::string doc = "# Results\n\n<!-- generated:models -->\nold\n<!-- /generated:models -->\n\nprose\n";
  CHECK(ReplaceGeneratedBlock(doc, "models", "new\n") ==
        "# Results\n\n<!-- generated:models -->\nnew\n<!-- /generated:models -->\n\nprose\n");
  CHECK(ReplaceGeneratedBlock("# R", "timing", "t\n") == "# R\n\n<!-- generated:timing -->\nt\n<!-- /generated:timing -->\n");
  CHECK(ReplaceGeneratedBlock("", "x", "y\n") == "\n<!-- generated:x -->\ny\n<!-- /generated:x -->\n");
}

TEST_CASE("Model facts count the article's way: nonzero parameters x bytes per value", "[pipeline]") {
  Model m = MakeLstmForecaster(4, 30);
  for (Layer& l : m.layers)
    for (Tensor& t : l.tensors)
      for (size_t i = 0; i < t.dense.size(); ++i) t.dense[i] = i % 2 ? 0.5f : 0.f;
  const ModelFacts f = FactsOf(m);
  CHECK(f.parameters == 4 * 4 * (4 + 2) + 4 + 1);
  CHECK(f.nonzero_parameters == (16 / 2) + (64 / 2) + (16 / 2) + (4 / 2) + 0);
  CHECK(f.article_param_bytes == 4 * f.nonzero_parameters);
  CHECK(f.weight_entries == 16 + 64 + 4);
  CHECK(f.zero_weight_entries == 8 + 32 + 2);
  CHECK(f.precision == "f32");
}

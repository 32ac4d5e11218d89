// `shelfcast compress prune / int8` as build-models.sh runs them: the pruned file is
// written with its pruned matrices sparse-f32 (a user of `compress prune` gets the small
// file), int8 calibrates on generated data, and both write the --report that
// `manifest add` reads.
#include <catch2/catch.hpp>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

#include <nlohmann/json.hpp>

#include "cli_run.h"
#include "core/file.h"
#include "core/limits.h"
#include "format/reader.h"

using namespace shelfcast;
using namespace shelfcast::testing;

namespace {

Model Load(const std::string& path, size_t* size = nullptr) {
  Result<std::vector<uint8_t>> bytes = ReadFileBytes(path, limits::kMaxModelBytes);
  REQUIRE(bytes.ok());
  if (size) *size = bytes->size();
  Result<Model> m = ReadModel(bytes->data(), bytes->size());
  REQUIRE(m.ok());
  return *m;
}

nlohmann::json LoadJson(const std::string& path) {
  std::ifstream in(path);
  REQUIRE(in.good());
  std::stringstream ss;
  ss << in.rdbuf();
  return nlohmann::json::parse(ss.str());
}

const Tensor& Find(const Model& m, size_t layer, TensorRole role) {
  for (const Tensor& t : m.layers[layer].tensors)
    if (t.role == role) return t;
  FAIL("no such tensor");
  return m.layers[layer].tensors[0];
}

}  // namespace

TEST_CASE("compress prune writes the pruned matrices sparse and reports both sizes", "[cli][compress]") {
  const std::string dir = TempDir("compress");
  REQUIRE(Shelfcast("init --hidden 8 --seed 3 --out " + dir + "/m.shcf").exit_code == 0);
  // One series and a sliver of an epoch: the file's encoding is under test, not accuracy.
  const Run r = Shelfcast("compress prune --model " + dir + "/m.shcf --sparsity 0.7 --per-gate --matrix-sparsity " +
                          "lstm0/kernel=0 --prune-epochs 1 --finetune-epochs 1 --sample 0.05 --stores 1 --items 1 " +
                          "--threads 1 --out " + dir + "/p.shcf --report " + dir + "/p.json");
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  size_t bytes = 0;
  const Model pruned = Load(dir + "/p.shcf", &bytes);
  CHECK(Find(pruned, 0, TensorRole::kKernel).encoding == Encoding::kF32);  // kept dense: f32 is smaller
  CHECK(Find(pruned, 0, TensorRole::kRecurrentKernel).encoding == Encoding::kSparseF32);
  CHECK(Find(pruned, 1, TensorRole::kKernel).encoding == Encoding::kSparseF32);
  const nlohmann::json report = LoadJson(dir + "/p.json");
  CHECK(report["file_bytes"].get<size_t>() == bytes);
  CHECK(report["sparse_f32_file_bytes"].get<size_t>() == bytes);
  // LSTM-8 dense: 1,414 bytes (docs/results.md); 70 % of the 296 weight entries pruned
  // saves about 0.7 x 296 x 4 - 296 / 8 bytes.
  CHECK(report["dense_f32_file_bytes"].get<size_t>() == 1414);
  CHECK(bytes < 1414 - 700);
}

TEST_CASE("compress int8 calibrates on generated data and writes its report", "[cli][compress]") {
  const std::string dir = TempDir("compress");
  REQUIRE(Shelfcast("init --hidden 8 --seed 3 --out " + dir + "/m.shcf").exit_code == 0);
  Run r = Shelfcast("compress int8 --model " + dir + "/m.shcf --mode full-integer --out " + dir + "/q.shcf");
  CHECK(r.exit_code == 1);
  CHECK(r.output ==
        "shelfcast: error: --mode full-integer needs --calibration FILE, --calibration-csv SALES or --calibration-seed S "
        "(training windows)\n");
  r = Shelfcast("compress int8 --model " + dir + "/m.shcf --mode full-integer --calibration-seed 42 " +
                "--calibration-count 50 --out " + dir + "/q.shcf --report " + dir + "/q.json");
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  size_t bytes = 0;
  const Model q = Load(dir + "/q.shcf", &bytes);
  CHECK(Find(q, 0, TensorRole::kActivationScales).cols == 3);
  const nlohmann::json report = LoadJson(dir + "/q.json");
  CHECK(report["source_model"] == dir + "/m.shcf");
  CHECK(report["operation"] == "int8");
  CHECK(report["mode"] == "full-integer");
  CHECK(report["calibration_windows"] == 50);
  CHECK(report["source_file_bytes"] == 1414);
  CHECK(report["file_bytes"].get<size_t>() == bytes);
  CHECK(report["encodings"]["lstm0/recurrent_kernel"] == "int8");
  CHECK(report["encodings"]["lstm0/activation_scales"] == "f16");
}

// models/manifest.json: the catalogue of shipped models and the numbers the results
// table and the demo page show. Schema (docs/results.md documents it for readers):
//
//   {
//     "schema": 1,
//     "generator": {"seed": 42, "stores": 5, "items": 10},      // data: generated, stores 1..5 x items 1..10
//     "data": {"file", "bytes", "crc32", "first_day", "last_day", "series"},  // instead (generator null):
//                                                                 // a sales file (shelfcast pipeline)
//     "protocol": {"window": 30, "stores": [1,..], "items": [1,..], "test_from": "2017-01-01",
//                  "test_to": "2017-12-31", "validation_days": 92},
//     "baseline_model": "lstm64",                                 // name of the reference row
//     "baselines": [{"name", "mape", "smape", "wape", "mae", "rmse"}],   // trivial forecasters
//     "article": [{"name", "size_bytes", "size_quoted", "mape", "mape_delta", "compression"}],
//     "models": [{
//       "name", "file" (relative to the manifest), "technique" ("baseline" | "sizing" |
//       "calendar" | "pruning" | "int8" | "stacked" | ...), "hidden", "layers" (LSTM units per
//       layer), "window", "calendar" (["dow", "month"]), "norm", "sparsity" (zero fraction of the
//       weight matrices, biases excluded), "precision" ("f32" | "f16" | "int8" | "mixed"),
//       "encodings" (per tensor name), "parameters", "nonzero_parameters", "file_bytes" (real),
//       "article_param_bytes" (nonzero parameters x bytes per stored value: the article's
//       way of counting), "compression_vs_baseline" (baseline row's file_bytes / file_bytes),
//       "mape", "smape", "wape", "mae", "rmse", "delta_mape_vs_baseline",
//       "train_seconds", "epochs", "seconds_per_epoch" (null when not trained here),
//       "notes" (free text), "quantization" ("none" | "dynamic" | "full-integer"),
//       rows made from another model (report with "source_model": compress prune / int8 /
//       sparse --report): "source_model";
//       pruning rows also: "prune_groups" [{"group", "weights", "sparsity"}]
//       and, when measured, "sensitivity" [{"group", "sparsity", "val_mape", "delta"}]
//     }]
//   }
//
// Every accuracy number is computed by eval/evaluate.h on the protocol's test windows
// of regenerated data, with the runtime (Forecaster) running the model file.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "data/series.h"
#include "eval/evaluate.h"
#include "eval/protocol.h"
#include "format/model.h"

namespace shelfcast::pipeline {

using Json = nlohmann::json;

struct DataSpec {
  uint64_t seed = 42;
  ProtocolOptions protocol;
};

// The data a manifest describes: generated with its seed, split by its protocol with a
// model's window. Throws std::runtime_error with the Status message on failure.
SalesData RegenerateSales(const DataSpec& spec);
ProtocolSplit SplitFor(const SalesData& data, const DataSpec& spec, uint32_t window);
DataSpec DataSpecOf(const Json& manifest);

// A new manifest: data spec, the trivial baselines on the protocol window's test set, the
// article's rows, no models.
Json NewManifest(const DataSpec& spec, const std::string& baseline_model);

Json MetricsJson(const Metrics& m);

// A manifest for data read from a file (`shelfcast pipeline`): "generator" is null and
// "data" (data_source: file, bytes, crc32, first/last day) says where the sales came
// from; the trivial baselines are scored on `test` (the split of `protocol`); the
// article's rows as in NewManifest; no models.
Json NewManifestForData(const SalesData& data, const ProtocolOptions& protocol, const WindowSet& test,
                        const Json& data_source, const std::string& baseline_model);
// The article's own table (the "article" rows of every manifest).
Json ArticleRows();

// Size and structure facts of a model file (no evaluation).
struct ModelFacts {
  size_t parameters = 0;
  size_t nonzero_parameters = 0;
  size_t weight_entries = 0, zero_weight_entries = 0;  // kernels and recurrent kernels
  size_t article_param_bytes = 0;
  std::string precision;
};
ModelFacts FactsOf(const Model& model);

struct ModelRowInput {
  std::string name, file, technique, notes;
  const Model* model = nullptr;
  size_t file_bytes = 0;
  Metrics metrics;
  // From the training report (train/ or compress/ CLI --report), may be null.
  Json train_report;
};
// The row, with compression and delta relative to the manifest's baseline row when it
// exists (the baseline row itself: 1 and 0).
Json ModelRow(const Json& manifest, const ModelRowInput& in);
// Inserts or replaces (by name) and re-derives every row's compression and delta when
// the baseline row changes.
void UpsertModel(Json* manifest, Json row);

// Markdown tables from the manifest: models + baselines + article.
std::string RenderModelsTable(const Json& manifest);
std::string RenderBaselinesTable(const Json& manifest);
std::string RenderArticleTable(const Json& manifest);
std::string RenderTimingTable(const Json& manifest);
// The sensitivity tables of the rows that carry one (pruning rows).
std::string RenderSensitivityTable(const Json& manifest);

// Replaces the text between "<!-- generated:NAME -->" and "<!-- /generated:NAME -->" in
// doc (markers kept); appends the block at the end when the markers are absent.
std::string ReplaceGeneratedBlock(const std::string& doc, const std::string& name, const std::string& content);

}  // namespace shelfcast::pipeline

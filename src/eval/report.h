// The protocol's results table (protocol.md): every forecaster, models and baselines,
// scored by the same code on the same (series, day) pairs, as Markdown and as JSON.
// Toolchain only (JSON through nlohmann); the numbers themselves come from the runtime
// (evaluate.h, baselines.h), which the page runs through wasm.
//
//   EvalRequest request;                          // protocol defaults: 5 x 10, window 30, 2017
//   request.models.push_back({"lstm64.shcf", &forecaster});
//   request.baselines = DefaultBaselines();
//   Result<EvalReport> report = RunEvaluation(data, request);
//   std::puts(FormatMarkdown(*report).c_str());
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/status.h"
#include "data/series.h"
#include "eval/baselines.h"
#include "eval/evaluate.h"
#include "eval/protocol.h"
#include "lstm/forecaster.h"

namespace shelfcast {

struct EvalModel {
  std::string name;         // the row label, e.g. the file name
  Forecaster* forecaster;   // evaluated with its own window on the same test days
};

struct EvalRequest {
  ProtocolOptions protocol;  // protocol.window is the window of the baselines' split
  std::vector<EvalModel> models;
  std::vector<Baseline> baselines = DefaultBaselines();
};

struct EvalRow {
  std::string name;
  std::string kind;  // "model", "baseline" or "oracle"
  std::string id;    // model: its name; baseline: BaselineId
  uint32_t window = 0;
  Evaluation evaluation;
};

struct EvalReport {
  ProtocolOptions protocol;
  std::vector<uint32_t> series;        // selected, indices into the data
  std::vector<std::string> series_keys;
  std::vector<int32_t> series_store, series_item;
  size_t examples = 0;                 // test examples (windows)
  size_t pairs = 0;                    // (series, day) pairs scored = examples * horizon
  std::vector<EvalRow> rows;           // models first, then baselines, in request order
};

// Every model and baseline on the protocol's test set. Each model gets a split with its
// own window; all rows must score the same pairs (an error otherwise, e.g. a window too
// long for the history before the test).
Result<EvalReport> RunEvaluation(const SalesData& data, const EvalRequest& request);

// A heading line and the table: forecaster, MAPE %, sMAPE %, WAPE %, MAE, RMSE, n.
std::string FormatMarkdown(const EvalReport& report, const std::string& data_name);
// The same numbers at full double precision, plus per-series metrics of every row.
nlohmann::json ReportJson(const EvalReport& report, const std::string& data_name);

}  // namespace shelfcast

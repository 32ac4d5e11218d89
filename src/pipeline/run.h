// `shelfcast pipeline`: from a sales CSV to a shipped model set in one call
// (docs/pipeline.md).
//
//   1. data      read the CSV, choose the holdout (the last test_days days of the file,
//                config.h), split it by the protocol (eval/protocol.h)
//   2. baseline  train LSTM(hidden) (train/trainer.h); warm-started from the previous
//                shipped baseline when there is one with the same architecture
//   3. variants  sizing (trained like the baseline), pruning (compress/prune.h), int8
//                (compress/compress.h), stacked (a pruning variant's model, int8 + sparse)
//   4. evaluate  every model file, read back, by the runtime on the holdout's test
//                windows (eval/evaluate.h); the previous shipped models too (before/after)
//   5. gate      a variant ships when MAPE - baseline MAPE <= its budget
//   6. write     shipped model files, manifest.json (pipeline/manifest.h), report.json,
//                report.md into a new generation, then switch (pipeline/generations.h)
//
// A rerun with the same data bytes and config bytes changes nothing ("up to date")
// unless `force`. Failures throw PipelineError (or ConfigError, GenerationError); the
// previous shipped set is then untouched.
#pragma once

#include <atomic>
#include <functional>
#include <stdexcept>
#include <string>

#include <nlohmann/json.hpp>

#include "pipeline/report.h"  // RejectionReason, RenderReportMarkdown

namespace shelfcast::pipeline {

struct PipelineError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct PipelineOptions {
  std::string data;    // sales CSV (data/csv.h)
  std::string config;  // JSON (pipeline/config.h)
  std::string out;     // DIR: a link to the current generation
  bool force = false;  // retrain even when data and config are unchanged
  // Progress: one line per call (stages, per-epoch lines), no trailing newline.
  std::function<void(const std::string&)> log;
  // Raised (e.g. by a SIGINT handler): the run stops after the current mini-batch and
  // throws PipelineError; nothing is shipped.
  const std::atomic<bool>* stop = nullptr;
};

struct PipelineOutcome {
  bool up_to_date = false;  // nothing done: data and config as in the current set
  int generation = 0;       // the shipped generation after the run
  std::string dir;          // DIR.<generation>
  nlohmann::json report;    // report.json's content
};

PipelineOutcome RunPipeline(const PipelineOptions& options);

}  // namespace shelfcast::pipeline

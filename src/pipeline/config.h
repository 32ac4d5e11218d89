// The configuration of `shelfcast pipeline` (docs/pipeline.md): a JSON file that says
// which baseline to train, how, which variants to derive from it, which holdout scores
// them and how much worse than the baseline a variant may be and still ship.
//
//   PipelineConfig c = ParsePipelineConfig(text);   // throws ConfigError naming the key
//
// Every key is optional except "variants[i].name" / ".technique" and the keys a
// technique needs ("hidden" for sizing, "sparsity" for pruning, "source" for stacked);
// unknown keys are errors (a typo must not silently fall back to a default).
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/date.h"
#include "format/model.h"
#include "train/trainer.h"

namespace shelfcast::pipeline {

// "config: training.epochs: expected a whole number >= 1, got \"20\"": the message
// always names the key.
struct ConfigError : std::invalid_argument {
  using std::invalid_argument::invalid_argument;
};

enum class Technique { kSizing, kPruning, kInt8, kStacked };
const char* TechniqueName(Technique t);

struct VariantConfig {
  std::string name;
  Technique technique = Technique::kSizing;
  // The model this one is derived from: the baseline (default) or an earlier variant.
  // sizing: ignored (a sizing variant is trained from scratch like the baseline);
  // pruning and int8: the baseline or a sizing variant; stacked: a pruning variant
  // (stacked = its pruned model, then int8 with the sparse encodings).
  std::string source;
  uint32_t hidden = 0;               // sizing
  double sparsity = 0;               // pruning
  uint32_t prune_epochs = 6;         // pruning: the polynomial ramp
  uint32_t finetune_epochs = 10;     // pruning: fine-tuning with early stopping
  float prune_lr = 3e-3f;            // pruning: learning rate of both phases
  std::optional<double> max_mape_increase;  // overrides gate.max_mape_increase
};

struct PipelineConfig {
  // The reference model: LSTM(hidden) + Dense(1).
  std::string baseline_name = "lstm64";
  uint32_t hidden = 64;
  uint32_t window = 30;
  uint8_t calendar = kCalendarNone;
  NormKind norm = NormKind::kGlobal;

  // Training of the baseline and the sizing variants (defaults: `shelfcast train`'s).
  train::TrainOptions train;
  // A rerun over a previous shipped set starts from its weights with these instead.
  uint32_t warm_start_epochs = 5;
  float warm_start_lr = 3e-3f;

  // Holdout: the test period is the last year every selected series covers (from the day
  // after the same date one year before its last day: 365 or 366 days), or its last
  // `test_days` days, or test_from..test_to; validation is the `validation_days` before.
  std::vector<int32_t> stores, items;  // empty: every series of the file
  uint32_t test_days = 0;              // 0: the last year
  uint32_t validation_days = 92;
  std::optional<DayNumber> test_from, test_to;

  // Quality gate: a variant ships when MAPE(variant) - MAPE(baseline) <= this (points).
  double max_mape_increase = 0.5;

  std::vector<VariantConfig> variants;
};

// Parses and validates; throws ConfigError ("config: <key>: <problem>").
PipelineConfig ParsePipelineConfig(const std::string& text);

// The budget of a variant (its own or the gate's).
double BudgetOf(const PipelineConfig& config, const VariantConfig& variant);

}  // namespace shelfcast::pipeline

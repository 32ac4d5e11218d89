// The trainer: mini-batch Adam over BPTT gradients (train/network.h), a warm-up +
// cosine learning-rate schedule, global-norm gradient clipping, and early stopping on
// the validation split that keeps the best weights.
//
//   Model model = MakeLstmForecaster(64, 30);
//   InitializeModel(&model, seed);
//   SetGlobalNormalisation(FitGlobalNormalisation(split.train), &model);  // eval/protocol.h
//   Trainer trainer(model, split.train, split.validation, options);
//   TrainResult r = trainer.Fit(on_epoch);       // r.model: the best weights
//
// Inputs are built with lstm/features.h (ScaleForWindow, WriteCalendarFeatures) exactly
// as the runtime builds them, so the trained model forecasts the same numbers in the
// Forecaster.
//
// Reproducibility: a batch is always split into the same two halves, each half's
// gradient is computed in its own buffer, and the two are summed in a fixed order, so
// the model is the same whether one or two threads run (on one machine: Eigen's GEMM
// blocking depends on the CPU's caches). Random numbers come from the seed only.
//
// Errors (bad options, an architecture the trainer cannot train) are thrown as
// std::invalid_argument; the CLI reports them.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "data/windows.h"
#include "format/model.h"

namespace shelfcast::train {

enum class LossKind {
  // (y' - a')^2 with a' the target normalised like the inputs: plain MSE in model units.
  // With window-mean normalisation that is a squared relative error w.r.t. the window's
  // level. Its minimiser is the conditional mean.
  kMse,
  // |f - a| / max(a, 1), f and a in sales: MAPE itself. Its minimiser is a 1/a-weighted
  // median, below the mean for Poisson sales.
  kMape,
  // (f - a)^2 / (m * max(a, 1)), m the window's scale: squared error weighted by 1/a.
  // Its minimiser is 1 / E[1/a] (a harmonic mean, about mean - 1 for Poisson), close to
  // MAPE's optimum but smooth.
  kRelativeMse,
};
const char* LossName(LossKind loss);
// "mse", "mape", "rel-mse"; throws std::invalid_argument otherwise.
LossKind ParseLoss(const std::string& name);

struct TrainOptions {
  uint32_t epochs = 30;
  uint32_t batch = 256;
  float learning_rate = 3e-3f;
  float min_learning_rate = 1e-4f;  // cosine decay ends here
  float warmup_epochs = 1.f;        // linear warm-up from 0 over this many epochs
  float clip_norm = 1.f;            // global L2 norm of the gradient; 0 = no clipping
  float adam_beta1 = 0.9f, adam_beta2 = 0.999f, adam_epsilon = 1e-7f;  // Keras' defaults
  // Early stopping: stop when validation MAPE has not improved for this many epochs
  // (0 = never stop early); the best epoch's weights are returned either way.
  uint32_t patience = 8;
  // Each epoch trains on a fresh random subset of this fraction of the training windows
  // (consecutive windows of a series overlap in all but one day: a subset per epoch
  // sees as many distinct situations for less time).
  double sample_fraction = 1.0;
  LossKind loss = LossKind::kMse;
  uint64_t seed = 1;
  uint32_t threads = 2;  // 1 or 2; the result does not depend on it
};

struct EpochReport {
  uint32_t epoch = 0;  // 1-based
  uint32_t epochs = 0;
  double train_loss = 0, val_loss = 0, val_mape = 0;
  double learning_rate = 0;  // at the end of the epoch
  double seconds = 0;        // this epoch (training + validation)
  bool best = false;         // the best validation MAPE so far
};

struct TrainResult {
  Model model;  // the weights of the best epoch
  std::vector<EpochReport> history;
  uint32_t best_epoch = 0;
  double best_val_mape = 0;
  double seconds = 0;
  bool stopped_early = false;
  bool interrupted = false;  // `stop` was raised; model holds the best epoch so far
};

// Keras' default initialisers: Glorot-uniform kernels, orthogonal recurrent kernels,
// zero biases with the LSTM forget-gate bias at 1. Deterministic from the seed.
void InitializeModel(Model* model, uint64_t seed);

class Trainer {
 public:
  // Copies nothing big: train and validation must outlive the Trainer.
  Trainer(const Model& initial, const WindowSet& train, const WindowSet& validation, const TrainOptions& options);
  ~Trainer();

  // Runs the epochs with early stopping; on_epoch (may be empty) is called after each.
  // When *stop becomes true (e.g. from a SIGINT handler), stops after the current batch
  // and returns the best epoch so far with interrupted = true.
  TrainResult Fit(const std::function<void(const EpochReport&)>& on_epoch = {},
                  const std::atomic<bool>* stop = nullptr);

  // Lower-level interface for schedules that change the model between steps (pruning).
  size_t steps_per_epoch() const;
  // One epoch of mini-batch steps at learning rate lr(global step) ; returns the mean
  // training loss, or a negative value when interrupted.
  double TrainEpoch(const std::function<double(size_t step)>& lr, const std::atomic<bool>* stop,
                    const std::function<void(size_t step)>& after_step = {});
  // Mean loss and pooled MAPE (%) of the current weights on a window set, computed by the
  // trainer's own forward pass (it matches the runtime's to float rounding).
  struct Score {
    double loss = 0, mape = 0;
  };
  Score Evaluate(const WindowSet& set);
  // The current weights, flat (train/network.h layout), and the mask applied after every
  // step: entries with mask 0 are held at zero (pruning). Empty mask = none.
  std::vector<float>& parameters();
  std::vector<uint8_t>& mask();
  Model CurrentModel() const;
  size_t global_step() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace shelfcast::train

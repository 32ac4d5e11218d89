// Gradual magnitude pruning (Zhu & Gupta 2017, "To prune, or not to prune") of a trained
// model, during fine-tuning with the trainer (train/trainer.h):
//
//   1. prune phase: every `update_every` steps the target sparsity follows
//        s(t) = s_f + (s_i - s_f) (1 - (t - t_0) / (n dt))^3,   t in [t_0, t_0 + n dt]
//      (fast early, when many redundant weights go, slow near the end), and each weight
//      matrix (LSTM input kernel W, recurrent kernel U, Dense kernels; optionally each
//      gate's block of W and U) gets its OWN threshold: the smallest-magnitude fraction
//      of that matrix is masked to zero. Masked weights get no updates.
//      Each group has its own final sparsity: fixed ones (e.g. lstm0/kernel=0, from the
//      sensitivity table), and one common value for the others, chosen so that the
//      fraction of zeros over ALL weight matrices is the requested sparsity.
//   2. fine-tune phase: masks fixed, trained with early stopping on the validation MAPE,
//      keeping the best epoch.
// Biases are never pruned (0.7 % of an LSTM-32's parameters; docs/results.md).
//
// Sensitivity: each matrix pruned alone, one shot, no fine-tuning, at several
// sparsities, and the validation MAPE it costs; the table says which matrix tolerates
// how much.
#pragma once

#include <atomic>
#include <functional>
#include <string>
#include <vector>

#include "data/windows.h"
#include "format/model.h"
#include "train/network.h"
#include "train/trainer.h"

namespace shelfcast::compress {

enum class PruneSchedule {
  kPolynomial,  // Zhu & Gupta's cubic ramp over the prune phase
  kOneShot,     // the final sparsity at once, then the fine-tune phase
};
const char* PruneScheduleName(PruneSchedule s);
// "polynomial" or "one-shot"; throws std::invalid_argument otherwise.
PruneSchedule ParsePruneSchedule(const std::string& name);

struct PruneOptions {
  // Fraction of zeros over all weight-matrix entries (biases excluded) at the end.
  double final_sparsity = 0.7;
  // Final sparsity of named groups ("lstm0/kernel" also names its per-gate groups
  // "lstm0/kernel[i]" ...); the other groups share what is left of the target.
  std::vector<std::pair<std::string, double>> fixed_sparsity;
  double initial_sparsity = 0.0;
  PruneSchedule schedule = PruneSchedule::kPolynomial;
  uint32_t prune_epochs = 6;     // the ramp spans these (kPolynomial)
  uint32_t update_every = 25;    // steps between mask updates (dt)
  bool per_gate = false;         // one threshold per gate block of W and U
  bool prune_dense = true;       // prune the Dense kernels too
  // Prune runs of `block` consecutive output columns of one row together, ranked by
  // their L1 norm (4 = the 1x4 blocks the sparse SIMD kernels skip whole); 1 = single
  // weights. Groups whose rows are not a multiple of `block` wide (the H x 1 Dense head)
  // are pruned weight by weight.
  uint32_t block = 1;
  // Fine-tuning: epochs, learning rate (its schedule restarts for the fine-tune phase),
  // batch, loss, patience, seed. The prune phase uses learning_rate constant.
  train::TrainOptions train;
};

// One group of weights that shares a threshold: a matrix, or a gate's columns of it.
struct PruneGroup {
  std::string name;            // "lstm0/recurrent_kernel", "lstm0/recurrent_kernel[f]"
  std::vector<size_t> indices;  // into the flat parameter vector (train/network.h), row-major
  uint32_t row_width = 0;      // columns of one row in the group (0: unknown, no blocks)
};
std::vector<PruneGroup> PruneGroups(const Model& model, bool per_gate, bool prune_dense);

// Sets mask[i] = 0 for the round(sparsity[g] * size) smallest |params[i]| of each group g
// (ties broken by position, so the mask is deterministic) and 1 elsewhere in the group;
// entries outside every group are left as they are. Zeroes the masked parameters.
void MagnitudeMask(const std::vector<PruneGroup>& groups, const std::vector<double>& sparsity,
                   std::vector<float>* params, std::vector<uint8_t>* mask);

// MagnitudeMask over 1 x `block` runs of each group's rows: the round(sparsity[g] *
// blocks) runs with the smallest L1 norm become zero (ties broken by position). A group
// whose row_width is not a multiple of `block` falls back to single weights; block 1 is
// MagnitudeMask.
void MagnitudeMaskBlocks(const std::vector<PruneGroup>& groups, const std::vector<double>& sparsity, uint32_t block,
                         std::vector<float>* params, std::vector<uint8_t>* mask);

// Each group's final sparsity for a total target over all groups (see PruneOptions);
// throws std::invalid_argument when the fixed groups make the target unreachable.
std::vector<double> AllocateSparsity(const std::vector<PruneGroup>& groups, double total,
                                     const std::vector<std::pair<std::string, double>>& fixed);

// s(t) of the polynomial schedule for progress p in [0, 1].
double PolynomialSparsity(double initial, double final_sparsity, double progress);

struct SensitivityRow {
  std::string group;
  double sparsity = 0;
  double val_mape = 0;
  double delta = 0;  // vs the unpruned model
};

struct PruneEpoch {
  std::string phase;  // "prune" or "fine-tune"
  uint32_t epoch = 0;
  double sparsity = 0;  // of the pruned groups at the end of the epoch
  double train_loss = 0, val_mape = 0, seconds = 0;
};

struct PruneResult {
  Model model;                  // best fine-tuned weights, pruned entries exactly 0
  std::vector<PruneGroup> groups;
  std::vector<double> group_sparsity;  // final, per group
  double dense_val_mape = 0;    // before pruning
  double pruned_val_mape = 0;   // after the prune phase, before fine-tuning
  double final_val_mape = 0;
  std::vector<PruneEpoch> history;
  double seconds = 0;
  uint32_t epochs = 0;
  bool interrupted = false;
};

// Prunes `trained` on the training windows, early-stops on the validation windows.
PruneResult Prune(const Model& trained, const WindowSet& train, const WindowSet& validation,
                  const PruneOptions& options, const std::function<void(const PruneEpoch&)>& on_epoch = {},
                  const std::atomic<bool>* stop = nullptr);

// Each group alone, one-shot magnitude pruning, at each sparsity; validation MAPE.
std::vector<SensitivityRow> MeasureSensitivity(const Model& trained, const WindowSet& train,
                                               const WindowSet& validation, const std::vector<double>& sparsities,
                                               bool per_gate);

}  // namespace shelfcast::compress

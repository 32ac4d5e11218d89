// shelfcast compress prune --model IN --sparsity 0.7 [--schedule polynomial|one-shot]
//                          [--prune-epochs N] [--finetune-epochs N] [--per-gate] [--block N]
//                          [--sensitivity] [data and training options] --out OUT [--report R.json]
// Gradual magnitude pruning with fine-tuning (compress/prune.h) of a trained model on the
// protocol's training days; early stopping on its validation days; the written file is
// evaluated on the test days with the runtime. Each weight matrix is written in the
// smaller of dense f32 and sparse-f32 (bitmask + packed non-zeros; SparsifyWhenSmaller,
// compress/compress.h): lossless, the runtime forecasts identically from either (the
// sparse kernels add the same products in the same order). The dense-f32 size is
// reported beside it.
//
// Ctrl-C stops after the current batch: during fine-tuning the best fine-tuned epoch so
// far is written (atomically); during the prune phase nothing is written (no model at
// the requested sparsity exists yet).
//
// `compress` is the parent of every compression subcommand; each one finds or creates
// it, so quantisation can live in its own file.
#include <cstdio>

#include <nlohmann/json.hpp>

#include "cli/cli_util.h"
#include "cli/commands.h"
#include "cli/data_args.h"
#include "cli/interrupt.h"
#include "compress/compress.h"
#include "compress/prune.h"
#include "core/file.h"
#include "eval/evaluate.h"
#include "format/encoding.h"
#include "format/reader.h"
#include "lstm/forecaster.h"
#include "train/cpu.h"

namespace shelfcast::cli {
namespace {

struct PruneArgs {
  DataArgs data;
  std::string model, out, report, schedule = "polynomial", loss = "rel-mse";
  compress::PruneOptions options;
  uint32_t finetune_epochs = 10;
  std::vector<std::string> matrix_sparsity;
  bool sensitivity = false;
};

void RunPrune(PruneArgs args) {
  if (const std::string problem = train::TrainerCpuProblem(); !problem.empty()) throw CommandError(problem);
  compress::PruneOptions& o = args.options;
  try {
    o.schedule = compress::ParsePruneSchedule(args.schedule);
    o.train.loss = train::ParseLoss(args.loss);
  } catch (const std::invalid_argument& e) {
    throw CommandError(e.what());
  }
  o.train.epochs = args.finetune_epochs;
  for (const std::string& item : args.matrix_sparsity) {
    const size_t eq = item.find('=');
    double v = -1;
    try {
      size_t used = 0;
      if (eq != std::string::npos) v = std::stod(item.substr(eq + 1), &used);
      if (eq == std::string::npos || used != item.size() - eq - 1) v = -1;
    } catch (const std::logic_error&) {
      v = -1;
    }
    if (!(v >= 0 && v < 1))
      throw CommandError("--matrix-sparsity takes NAME=S with S in [0, 1), e.g. lstm0/kernel=0, not '" + item + "'");
    o.fixed_sparsity.emplace_back(item.substr(0, eq), v);
  }
  const Model trained = LoadModelFile(args.model);
  const ProtocolSplit split = LoadSplit(args.data, trained.window);

  nlohmann::json report;
  if (args.sensitivity) {
    std::printf("sensitivity (one matrix pruned at a time, no fine-tuning), validation MAPE change:\n");
    std::vector<compress::SensitivityRow> rows;
    try {
      rows = compress::MeasureSensitivity(trained, split.train, split.validation, {0.5, 0.7, 0.8, 0.9, 0.95},
                                          o.per_gate);
    } catch (const std::invalid_argument& e) {
      throw CommandError(e.what());
    }
    nlohmann::json sj = nlohmann::json::array();
    std::string last;
    for (const compress::SensitivityRow& r : rows) {
      if (r.group != last) std::printf("%s  %-32s", last.empty() ? "" : "\n", r.group.c_str());
      last = r.group;
      std::printf("  %2.0f %%: %+6.2f", r.sparsity * 100, r.delta);
      sj.push_back({{"group", r.group}, {"sparsity", r.sparsity}, {"val_mape", r.val_mape}, {"delta", r.delta}});
    }
    std::printf("\n");
    report["sensitivity"] = sj;
  }

  std::printf("pruning %s to %.0f %% (%s schedule, %u prune + up to %u fine-tune epochs, %s thresholds, %s)\n",
              args.model.c_str(), o.final_sparsity * 100, compress::PruneScheduleName(o.schedule),
              o.schedule == compress::PruneSchedule::kPolynomial ? o.prune_epochs : 0, o.train.epochs,
              o.per_gate ? "per-gate" : "per-matrix",
              o.block > 1 ? ("1x" + std::to_string(o.block) + " blocks").c_str() : "single weights");
  std::fflush(stdout);
  compress::PruneResult result;
  try {
    ScopedInterrupt interrupt;
    result = compress::Prune(trained, split.train, split.validation, o,
                             [](const compress::PruneEpoch& e) {
                               std::printf("%-9s epoch %3u  sparsity %5.1f %%  train %.5f  val MAPE %6.3f %%  %5.1f s\n",
                                           e.phase.c_str(), e.epoch, e.sparsity * 100, e.train_loss, e.val_mape,
                                           e.seconds);
                               std::fflush(stdout);
                             },
                             interrupt.flag());
  } catch (const std::invalid_argument& e) {
    throw CommandError(e.what());
  }
  const bool finetuned = !result.history.empty() && result.history.back().phase == "fine-tune";
  for (size_t g = 0; g < result.groups.size(); ++g)
    std::printf("  %-32s %5.1f %% of %zu weights pruned\n", result.groups[g].name.c_str(),
                result.group_sparsity[g] * 100, result.groups[g].indices.size());
  if (result.interrupted && !finetuned)
    throw CommandError("interrupted before the first fine-tune epoch ended; nothing written to " + args.out);

  const size_t dense_bytes = Check(WriteModel(result.model)).size();
  Model out = result.model;
  SparsifyWhenSmaller(&out);
  const size_t bytes = SaveModelFile(out, args.out);
  Forecaster f = Check(Forecaster::Create(out));
  const Evaluation test = Check(EvaluateModel(f, split.test));
  std::printf("validation MAPE: dense %.3f %%, pruned %.3f %%, fine-tuned %.3f %%; test MAPE %.3f %% (runtime)\n",
              result.dense_val_mape, result.pruned_val_mape, result.final_val_mape, test.pooled.mape);
  std::printf("wrote %s: %s bytes (%s bytes with every matrix dense f32) in %.1f s\n", args.out.c_str(),
              WithThousands(bytes).c_str(), WithThousands(dense_bytes).c_str(), result.seconds);
  for (size_t li = 0; li < out.layers.size(); ++li)
    for (const Tensor& t : out.layers[li].tensors)
      std::printf("  %-28s %-12s %8s bytes\n", TensorName(out, li, t.role).c_str(), EncodingName(t.encoding),
                  WithThousands(EncodedTensorBytes(t)).c_str());

  if (!args.report.empty()) {
    report["model"] = args.out;
    report["source_model"] = args.model;
    report["file_bytes"] = bytes;
    // The written file: its matrices are sparse-f32 where that is smaller (the field kept
    // its name from when the file was written dense and this was only a projection).
    report["sparse_f32_file_bytes"] = bytes;
    report["dense_f32_file_bytes"] = dense_bytes;
    report["sparsity"] = o.final_sparsity;
    report["schedule"] = compress::PruneScheduleName(o.schedule);
    report["per_gate"] = o.per_gate;
    report["block"] = o.block;
    nlohmann::json groups = nlohmann::json::array();
    for (size_t g = 0; g < result.groups.size(); ++g)
      groups.push_back({{"group", result.groups[g].name}, {"weights", result.groups[g].indices.size()},
                        {"sparsity", result.group_sparsity[g]}});
    report["groups"] = groups;
    report["prune_epochs"] = o.prune_epochs;
    report["update_every"] = o.update_every;
    report["dense_val_mape"] = result.dense_val_mape;
    report["pruned_val_mape"] = result.pruned_val_mape;
    report["final_val_mape"] = result.final_val_mape;
    report["test_mape"] = test.pooled.mape;
    report["train_seconds"] = result.seconds;
    report["epochs"] = result.epochs;
    report["seconds_per_epoch"] = result.epochs ? result.seconds / result.epochs : 0.0;
    report["interrupted"] = result.interrupted;
    nlohmann::json history = nlohmann::json::array();
    for (const compress::PruneEpoch& e : result.history)
      history.push_back({{"phase", e.phase}, {"epoch", e.epoch}, {"sparsity", e.sparsity},
                         {"train_loss", e.train_loss}, {"val_mape", e.val_mape}, {"seconds", e.seconds}});
    report["history"] = history;
    Check(WriteFileAtomic(args.report, report.dump(2) + "\n"));
  }
  if (result.interrupted)
    throw CommandError("interrupted while fine-tuning; wrote the best fine-tuned epoch so far to " + args.out);
}

}  // namespace

void RegisterCompressPrune(CLI::App& app) {
  CLI::App* compress = nullptr;
  for (CLI::App* s : app.get_subcommands([](CLI::App*) { return true; }))
    if (s->get_name() == "compress") compress = s;
  if (compress == nullptr) {
    compress = app.add_subcommand("compress", "Compress a trained model (pruning, quantisation)");
    compress->require_subcommand(1);
  }
  auto args = std::make_shared<PruneArgs>();
  compress::PruneOptions& o = args->options;
  train::TrainOptions& t = o.train;
  t.learning_rate = 3e-3f;
  t.warmup_epochs = 0;
  t.patience = 4;
  t.batch = 128;
  t.sample_fraction = 0.5;
  CLI::App* cmd = compress->add_subcommand("prune", "Gradual magnitude pruning with fine-tuning");
  AddDataOptions(cmd, &args->data);
  cmd->add_option("--model", args->model, "Trained model (.shcf)")->required();
  cmd->add_option("--sparsity", o.final_sparsity, "Final fraction of zeros over all weight matrices, e.g. 0.7")
      ->check(CLI::Range(0.0, 0.999))
      ->required();
  cmd->add_option("--initial-sparsity", o.initial_sparsity, "Sparsity at the start of the ramp")
      ->check(CLI::Range(0.0, 0.999))
      ->capture_default_str();
  cmd->add_option("--schedule", args->schedule, "polynomial (Zhu & Gupta) or one-shot")->capture_default_str();
  cmd->add_option("--prune-epochs", o.prune_epochs, "Epochs of the sparsity ramp")->capture_default_str();
  cmd->add_option("--update-every", o.update_every, "Steps between mask updates")
      ->check(CLI::Range(1, 1 << 20))
      ->capture_default_str();
  cmd->add_option("--finetune-epochs", args->finetune_epochs, "Maximum fine-tune epochs with masks fixed")
      ->check(CLI::Range(1, 100000))
      ->capture_default_str();
  cmd->add_option("--matrix-sparsity", args->matrix_sparsity,
                  "Fixed sparsity of named matrices, e.g. lstm0/kernel=0,dense1/kernel=0.3 (the others share the rest)")
      ->delimiter(',');
  cmd->add_flag("--per-gate", o.per_gate, "One threshold per gate block (i, f, c, o) of W and U");
  cmd->add_option("--block", o.block,
                  "Prune runs of N consecutive output columns together (4: the 1x4 blocks the sparse kernels skip)")
      ->check(CLI::Range(1, 64))
      ->capture_default_str();
  cmd->add_flag("!--no-dense", o.prune_dense, "Leave the Dense kernels dense");
  cmd->add_flag("--sensitivity", args->sensitivity, "First measure each matrix's sensitivity (report it)");
  cmd->add_option("--loss", args->loss, "Loss: mse, mape or rel-mse")->capture_default_str();
  cmd->add_option("--lr", t.learning_rate, "Learning rate (constant while pruning, cosine while fine-tuning)")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  cmd->add_option("--min-lr", t.min_learning_rate, "Learning rate at the end of fine-tuning")->capture_default_str();
  cmd->add_option("--batch", t.batch, "Mini-batch size")->check(CLI::Range(1, 1 << 20))->capture_default_str();
  cmd->add_option("--sample", t.sample_fraction, "Fraction of the training windows drawn per epoch")
      ->check(CLI::Range(1e-6, 1.0))
      ->capture_default_str();
  cmd->add_option("--patience", t.patience, "Fine-tune early-stopping patience (0: off)")->capture_default_str();
  cmd->add_option("--seed", t.seed, "Seed of the batch order")->capture_default_str();
  cmd->add_option("--threads", t.threads, "Threads (1 or 2)")->check(CLI::Range(1, 2))->capture_default_str();
  cmd->add_option("--out", args->out, "Output model file")->required();
  cmd->add_option("--report", args->report, "Write a JSON report here (history, sensitivity)");
  cmd->callback([args] { RunPrune(*args); });
}

}  // namespace shelfcast::cli

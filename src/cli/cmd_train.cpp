// shelfcast train --hidden H [--window W] [--calendar dow,month] [--norm global|window-mean]
//                 [--epochs N] [--batch B] [--lr X] [--loss mse|mape|rel-mse] [--seed S]
//                 [data options, cli/data_args.h] --out MODEL [--report FILE.json]
// Trains LSTM(H) + Dense(1) on the protocol's training days, early-stops on its
// validation days, and evaluates the written file on the test days with the runtime.
//
// Ctrl-C: the first one stops after the current mini-batch; the best epoch so far is
// written to --out (atomically: temp file + rename) and the command exits with an error
// saying so; nothing is written when no epoch has finished. A second Ctrl-C kills the
// process at once; --out is never half-written because every write goes through
// WriteFileAtomic.
#include <cstdio>
#include <cstdlib>

#include <nlohmann/json.hpp>

#include "cli/cli_util.h"
#include "cli/commands.h"
#include "cli/data_args.h"
#include "cli/interrupt.h"
#include "core/file.h"
#include "eval/evaluate.h"
#include "eval/protocol.h"
#include "lstm/forecaster.h"
#include "train/cpu.h"
#include "train/trainer.h"

namespace shelfcast::cli {
namespace {

struct TrainArgs {
  DataArgs data;
  uint32_t hidden = 64;
  uint32_t window = 30;
  std::vector<std::string> calendar;
  std::string norm = "window-mean";
  std::string loss = "mse";
  train::TrainOptions options;
  std::string out;
  std::string report;
};

std::string Clock(double seconds) {
  const long s = static_cast<long>(seconds + 0.5);
  char buf[32];
  if (s >= 3600) {
    std::snprintf(buf, sizeof buf, "%ld:%02ld:%02ld", s / 3600, s / 60 % 60, s % 60);
  } else {
    std::snprintf(buf, sizeof buf, "%ld:%02ld", s / 60, s % 60);
  }
  return buf;
}

uint8_t ParseCalendar(const std::vector<std::string>& names) {
  uint8_t calendar = kCalendarNone;
  for (const std::string& c : names) {
    if (c == "dow") calendar |= kCalendarDayOfWeek;
    else if (c == "month") calendar |= kCalendarMonth;
    else throw CommandError("--calendar takes dow and/or month, not '" + c + "'");
  }
  return calendar;
}

NormKind ParseNorm(const std::string& name) {
  if (name == "global") return NormKind::kGlobal;
  if (name == "window-mean") return NormKind::kWindowMean;
  throw CommandError("--norm takes global or window-mean, not '" + name + "'");
}

// A float option as the decimal the user typed (0.01, not 0.009999999776).
double Tidy(float v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.7g", v);
  return std::strtod(buf, nullptr);
}

nlohmann::json MetricsJson(const Metrics& m) {
  return {{"mape", m.mape}, {"smape", m.smape}, {"wape", m.wape}, {"mae", m.mae}, {"rmse", m.rmse}};
}

void RunTrain(TrainArgs args) {
  if (const std::string problem = train::TrainerCpuProblem(); !problem.empty()) throw CommandError(problem);
  train::TrainOptions& o = args.options;
  try {
    o.loss = train::ParseLoss(args.loss);
  } catch (const std::invalid_argument& e) {
    throw CommandError(std::string("--loss: ") + e.what());
  }
  const ProtocolSplit split = LoadSplit(args.data, args.window);
  Model model = MakeLstmForecaster(args.hidden, args.window, ParseCalendar(args.calendar));
  train::InitializeModel(&model, o.seed);
  if (ParseNorm(args.norm) == NormKind::kGlobal) {
    SetGlobalNormalisation(FitGlobalNormalisation(split.train), &model);
  } else {
    SetWindowMeanNormalisation(&model);
  }

  std::printf("training LSTM(%u) window %u%s, %s parameters, norm %s, loss %s: %zu training / %zu validation "
              "windows, %.0f %% per epoch, batch %u, lr %g\n",
              args.hidden, args.window, model.calendar ? " + calendar" : "", WithThousands(model.parameter_count()).c_str(),
              NormKindName(model.norm), train::LossName(o.loss), split.train.size(), split.validation.size(),
              o.sample_fraction * 100, o.batch, o.learning_rate);
  std::fflush(stdout);

  train::TrainResult result;
  {
    std::unique_ptr<train::Trainer> trainer;
    try {
      trainer.reset(new train::Trainer(model, split.train, split.validation, o));
    } catch (const std::invalid_argument& e) {
      throw CommandError(e.what());
    }
    double spent = 0;
    ScopedInterrupt interrupt;
    result = trainer->Fit(
        [&](const train::EpochReport& r) {
          spent += r.seconds;
          const double eta = spent / r.epoch * (r.epochs - r.epoch);
          std::printf("epoch %3u/%u  train %.5f  val %.5f  val MAPE %6.3f %%  %5.1f s  ETA %s%s\n", r.epoch, r.epochs,
                      r.train_loss, r.val_loss, r.val_mape, r.seconds, Clock(eta).c_str(), r.best ? "  *" : "");
          std::fflush(stdout);
        },
        interrupt.flag());
  }

  if (result.interrupted && result.best_epoch == 0)
    throw CommandError("interrupted before the first epoch ended; nothing written to " + args.out);
  const size_t bytes = SaveModelFile(result.model, args.out);

  Forecaster forecaster = Check(Forecaster::Create(result.model));
  const Evaluation test = Check(EvaluateModel(forecaster, split.test));
  const Evaluation val = Check(EvaluateModel(forecaster, split.validation));
  const size_t epochs_run = result.history.size();
  const double per_epoch = epochs_run ? result.seconds / static_cast<double>(epochs_run) : 0.0;
  std::printf("best epoch %u of %zu%s: validation MAPE %.3f %%; test MAPE %.3f %% (runtime), sMAPE %.3f %%, "
              "WAPE %.3f %%\n",
              result.best_epoch, epochs_run, result.stopped_early ? " (early stop)" : "", val.pooled.mape,
              test.pooled.mape, test.pooled.smape, test.pooled.wape);
  std::printf("wrote %s: %s bytes; %s in %.1f s (%.2f s per epoch)\n", args.out.c_str(), WithThousands(bytes).c_str(),
              result.interrupted ? "interrupted" : "trained", result.seconds, per_epoch);

  if (!args.report.empty()) {
    nlohmann::json j;
    j["model"] = args.out;
    j["file_bytes"] = bytes;
    j["hidden"] = args.hidden;
    j["window"] = args.window;
    j["calendar"] = args.calendar;
    j["norm"] = NormKindName(model.norm);
    j["loss"] = train::LossName(o.loss);
    j["options"] = {{"epochs", o.epochs},         {"batch", o.batch},
                    {"lr", Tidy(o.learning_rate)}, {"min_lr", Tidy(o.min_learning_rate)},
                    {"warmup_epochs", Tidy(o.warmup_epochs)}, {"clip_norm", Tidy(o.clip_norm)},
                    {"patience", o.patience},     {"sample_fraction", o.sample_fraction},
                    {"seed", o.seed},             {"threads", o.threads}};
    j["epochs"] = epochs_run;
    j["best_epoch"] = result.best_epoch;
    j["stopped_early"] = result.stopped_early;
    j["interrupted"] = result.interrupted;
    j["train_seconds"] = result.seconds;
    j["seconds_per_epoch"] = per_epoch;
    j["validation"] = MetricsJson(val.pooled);
    j["test"] = MetricsJson(test.pooled);
    nlohmann::json history = nlohmann::json::array();
    for (const train::EpochReport& r : result.history)
      history.push_back({{"epoch", r.epoch}, {"train_loss", r.train_loss}, {"val_loss", r.val_loss},
                         {"val_mape", r.val_mape}, {"lr", r.learning_rate}, {"seconds", r.seconds}});
    j["history"] = history;
    Check(WriteFileAtomic(args.report, j.dump(2) + "\n"));
  }
  if (result.interrupted)
    throw CommandError("interrupted in epoch " + std::to_string(epochs_run + 1) + "; wrote the best epoch (" +
                       std::to_string(result.best_epoch) + ") to " + args.out);
}

}  // namespace

void RegisterTrain(CLI::App& app) {
  auto args = std::make_shared<TrainArgs>();
  CLI::App* cmd = app.add_subcommand("train", "Train an LSTM forecaster on the protocol's training days");
  AddDataOptions(cmd, &args->data);
  train::TrainOptions& o = args->options;
  cmd->add_option("--hidden", args->hidden, "LSTM units")->check(CLI::Range(1, 512))->capture_default_str();
  cmd->add_option("--window", args->window, "Window length in days")->check(CLI::Range(1, 1024))->capture_default_str();
  cmd->add_option("--calendar", args->calendar, "Calendar inputs: dow, month")->delimiter(',');
  cmd->add_option("--norm", args->norm, "Normalisation: global or window-mean")->capture_default_str();
  cmd->add_option("--loss", args->loss, "Loss: mse, mape or rel-mse")->capture_default_str();
  cmd->add_option("--epochs", o.epochs, "Maximum epochs")->check(CLI::Range(1, 100000))->capture_default_str();
  cmd->add_option("--batch", o.batch, "Mini-batch size")->check(CLI::Range(1, 1 << 20))->capture_default_str();
  cmd->add_option("--lr", o.learning_rate, "Peak learning rate (Adam)")->check(CLI::PositiveNumber)->capture_default_str();
  cmd->add_option("--min-lr", o.min_learning_rate, "Learning rate at the end of the cosine decay")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  cmd->add_option("--warmup", o.warmup_epochs, "Epochs of linear learning-rate warm-up")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  cmd->add_option("--clip", o.clip_norm, "Clip the gradient to this global L2 norm (0: off)")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  cmd->add_option("--patience", o.patience, "Stop after this many epochs without a better validation MAPE (0: off)")
      ->capture_default_str();
  cmd->add_option("--sample", o.sample_fraction, "Fraction of the training windows drawn per epoch")
      ->check(CLI::Range(1e-6, 1.0))
      ->capture_default_str();
  cmd->add_option("--seed", o.seed, "Seed of the initial weights and the batch order")->capture_default_str();
  cmd->add_option("--threads", o.threads, "Threads (1 or 2; the model does not depend on it)")
      ->check(CLI::Range(1, 2))
      ->capture_default_str();
  cmd->add_option("--out", args->out, "Output model file")->required();
  cmd->add_option("--report", args->report, "Write a JSON training report here");
  cmd->callback([args] { RunTrain(*args); });
}

}  // namespace shelfcast::cli

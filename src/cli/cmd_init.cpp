// shelfcast init --hidden H [--window W] [--calendar dow,month] [--seed S] --out FILE
// Writes an untrained model: Keras' default initialisers (Glorot-uniform kernels,
// orthogonal-free uniform recurrent weights, forget-gate bias 1), for tests, benchmarks
// and as the starting point of training.
#include <cmath>
#include <cstdio>
#include <random>

#include "cli/cli_util.h"
#include "cli/commands.h"

namespace shelfcast::cli {
namespace {

struct InitArgs {
  uint32_t hidden = 64;
  uint32_t window = 30;
  std::vector<std::string> calendar;
  uint32_t seed = 1;
  std::string out;
};

void FillUniform(std::vector<float>* v, float limit, std::mt19937* rng) {
  std::uniform_real_distribution<float> u(-limit, limit);
  for (float& x : *v) x = u(*rng);
}

void RunInit(const InitArgs& args) {
  uint8_t calendar = kCalendarNone;
  for (const std::string& c : args.calendar) {
    if (c == "dow") calendar |= kCalendarDayOfWeek;
    else if (c == "month") calendar |= kCalendarMonth;
    else throw CommandError("--calendar takes dow and/or month, not '" + c + "'");
  }
  Model model = MakeLstmForecaster(args.hidden, args.window, calendar);
  std::mt19937 rng(args.seed);
  for (Layer& layer : model.layers) {
    for (Tensor& t : layer.tensors) {
      if (t.role == TensorRole::kBias) continue;
      FillUniform(&t.dense, std::sqrt(6.f / static_cast<float>(t.rows + t.cols)), &rng);  // Glorot uniform
    }
    if (layer.kind == LayerKind::kLstm) {
      Tensor& bias = *layer.Find(TensorRole::kBias);
      for (uint32_t j = layer.units; j < 2 * layer.units; ++j) bias.dense[j] = 1.f;  // unit forget bias
    }
  }
  // Sales of the store-item data: mean ~52, sd ~28 (data-card.md).
  model.norm_offset = 52.f;
  model.norm_scale = 28.f;
  const size_t bytes = SaveModelFile(model, args.out);
  std::printf("wrote %s: LSTM(%u) window %u, %s parameters, %s bytes\n", args.out.c_str(), args.hidden,
              args.window, WithThousands(model.parameter_count()).c_str(), WithThousands(bytes).c_str());
}

}  // namespace

void RegisterInit(CLI::App& app) {
  auto args = std::make_shared<InitArgs>();
  CLI::App* cmd = app.add_subcommand("init", "Write an untrained LSTM model (random initial weights)");
  cmd->add_option("--hidden", args->hidden, "LSTM units")->check(CLI::Range(1, 512));
  cmd->add_option("--window", args->window, "Window length in days")->check(CLI::Range(1, 1024));
  cmd->add_option("--calendar", args->calendar, "Calendar inputs: dow, month")->delimiter(',');
  cmd->add_option("--seed", args->seed, "Random seed");
  cmd->add_option("--out", args->out, "Output model file")->required();
  cmd->callback([args] { RunInit(*args); });
}

}  // namespace shelfcast::cli
